"""The notebook of tp00-prise-en-main (30 minutes, lightly graded: 2 points)."""

from __future__ import annotations

from passerelle.course.notebooks.cells import (
    answer,
    free,
    free_text,
    given,
    matricule,
    notebook,
    read_only,
    tests,
)

NAME = "tp00-prise-en-main"


def build():
    """The source notebook."""
    return notebook([
        read_only("intro", """
# TP 0 — Prise en main de JupyterLab

**Durée prévue : 30 minutes.** Ce TP compte peu (2 points) : il sert à vous familiariser
avec l'outil avant les TP notés.

**À la fin de ce TP, vous saurez :**
- exécuter une cellule (`Maj + Entrée`) et lire son résultat ;
- ranger une valeur dans une *variable* ;
- ouvrir un tableau de données (un *DataFrame*) et en lire quelques lignes ;
- calculer un nombre de lignes et une moyenne ;
- tracer un graphique simple.

Aucune connaissance en programmation n'est nécessaire. Si une cellule affiche une erreur en
rouge, lisez la dernière ligne : elle dit presque toujours ce qui ne va pas.
"""),
        read_only("cellules", """
## 1. Une cellule, une variable

Un *notebook* est une suite de cellules. Les cellules de texte (comme celle-ci) expliquent ;
les cellules de code s'exécutent. Cliquez dans la cellule ci-dessous et appuyez sur
`Maj + Entrée` : Python calcule et affiche le résultat.
"""),
        given("calcul", """
# Une consultation chez le médecin généraliste : 30 EUR ; le patient en paie une partie.
prix_consultation = 30
prix_consultation * 0.25
"""),
        read_only("matricule_consigne", """
## 2. Vos données

Chaque étudiant reçoit **ses propres données**, tirées de son matricule : elles ne sont pas
celles de votre voisin, et vos réponses non plus. Dans la cellule ci-dessous, remplacez les
deux lignes par votre matricule entre guillemets, exactement comme l'université vous l'a
donné, par exemple `MATRICULE = "000123"`, puis exécutez la cellule.
"""),
        matricule(NAME),
        given("donnees", """
from passerelle.course import mes_donnees
from passerelle.course.grading import verifier

donnees = mes_donnees("tp00-prise-en-main", matricule=MATRICULE)
donnees.head()
"""),
        read_only("dataframe", """
Le tableau `donnees` est un **DataFrame** : une ligne par personne interrogée dans une
enquête de santé *simulée* à Bruxelles (aucune personne réelle), une colonne par
information — commune, sexe, âge, a-t-elle un médecin généraliste régulier (un dossier
médical global ou une maison médicale), a-t-elle eu besoin de soins sans les obtenir.
`donnees.head()` n'en montre que les 5 premières lignes.

### Question 1 (1 point)
Combien de personnes (de lignes) compte votre tableau ? Rangez le nombre dans la variable
`nombre_lignes`. *Indice : `len(donnees)`.*
"""),
        answer("q1", "nombre_lignes = len(donnees)"),
        tests("q1", NAME, "nombre_lignes", "nombre_lignes", 1),
        read_only("moyenne", """
### Question 2 (1 point)
Quel est l'âge moyen des personnes de votre tableau ? Une colonne se lit avec
`donnees["age"]` ; sa moyenne avec `.mean()`. Rangez-la dans `age_moyen`.
"""),
        answer("q2", 'age_moyen = donnees["age"].mean()'),
        tests("q2", NAME, "age_moyen", "age_moyen", 1),
        read_only("graphique", """
## 3. Un graphique

La cellule suivante compte les personnes de chaque classe d'âge et trace un diagramme en
barres. Exécutez-la, puis changez `"classe_age"` en `"commune"` et exécutez-la à nouveau.
"""),
        given("barres", """
import matplotlib.pyplot as plt

donnees["classe_age"].value_counts().sort_index().plot.bar()
plt.ylabel("personnes")
plt.show()
"""),
        free(),
        read_only("fin", """
## 4. Pour finir

Dans la cellule de texte ci-dessous (double-cliquez pour l'écrire), notez en une phrase ce
qui vous a surpris ou ce qui reste flou. Cette réponse n'est pas notée : elle aide
l'équipe à préparer le TP 1. Enregistrez ensuite le notebook (`Ctrl + S`).
"""),
        free_text("*Votre remarque ici.*"),
    ])

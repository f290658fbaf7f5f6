"""The notebook of tp04-facilitateurs (about 2 hours: 6 autograded questions, 2 written)."""

from __future__ import annotations

from passerelle.course.notebooks.cells import (
    answer,
    free,
    given,
    matricule,
    notebook,
    read_only,
    tests,
    written,
)

NAME = "tp04-facilitateurs"


def build():
    """The source notebook."""
    return notebook([
        read_only("intro", """
# TP 4 — Les journaux de suivi des facilitateurs : nettoyer, compter, lire avec prudence

**Durée prévue : environ 2 heures.** 6 questions corrigées automatiquement (10 points) et
2 questions rédigées, corrigées par l'équipe (6 points).

**Objectifs d'apprentissage.** À la fin de ce TP, vous saurez :
1. repérer et corriger les erreurs d'un fichier tenu à la main : entrées saisies deux
   fois, âges saisis comme années de naissance ;
2. choisir la bonne **unité de compte** (l'entrée, le dossier, le facilitateur) et le bon
   dénominateur pour un indicateur de suivi ;
3. calculer des indicateurs de la file active : contacts par dossier, âge des clients,
   part des dossiers dont les droits ont été rouverts ;
4. comparer les barrières que les facilitateurs notent — ce que leur gestionnaire voit —
   avec les barrières de toute la population, et expliquer pourquoi elles diffèrent.

**Contexte.** Depuis juin 2021, une cinquantaine de facilitateurs en santé, engagés par
les cinq mutualités à l'initiative du ministre de la Santé, accompagnent des personnes
éloignées des soins à Liège, Dison, Charleroi, Gand, Genk, Anvers, Ostende, Tirlemont et
Bruxelles : ils les guident vers les soins, les aident à utiliser les services (mutualité,
CPAS, médecin généraliste) et font remonter les besoins qu'ils observent. Chaque
facilitateur tient un journal par client. Le fichier de ce TP, `facilitateurs_suivi`, est
**entièrement synthétique** : chaque dossier est une personne simulée par Passerelle à
Bruxelles, les noms sont inventés ; il a les défauts d'un vrai journal (trous, doublons,
fautes de frappe). Les résultats décrivent le modèle, pas le projet réel.

Règles : ne modifiez pas les cellules verrouillées ; écrivez vos réponses à la place de
`# VOTRE CODE ICI` et `raise NotImplementedError()` ; n'arrondissez pas.
"""),
        read_only("matricule_consigne", """
## 1. Vos données

Remplacez les deux lignes de la cellule suivante par votre matricule, par exemple
`MATRICULE = "000123"`. Vous recevez une partie des dossiers, tirée de votre matricule :
vos réponses ne sont pas celles de votre voisin.
"""),
        matricule(NAME),
        given("donnees", """
from passerelle.course import mes_donnees
from passerelle.course.grading import verifier

donnees = mes_donnees("tp04-facilitateurs", matricule=MATRICULE)
journal = donnees.journal
journal.head()
"""),
        read_only("colonnes", """
Une ligne par **entrée** du journal : un dossier (un client) a une entrée `ouverture`, des
entrées `suivi` et une entrée `cloture`. Les colonnes utiles :

| colonne | contenu |
|---|---|
| `dossier` | pseudonyme du dossier (un client) |
| `facilitateur` | facilitateur qui tient le dossier |
| `date_contact`, `type_contact` | date et type de l'entrée (`ouverture`, `suivi`, `cloture`) |
| `age` | âge à l'inscription, en années (recopié sur chaque entrée) |
| `couverture_entree` | couverture à l'inscription (`assure`, `hors_ordre_mutuelle`, …) |
| `barriere_notee` | barrière d'accès aux soins notée à ce contact (souvent vide) |
| `droits_rouverts` | `True` si les droits de mutuelle ont été rouverts depuis l'entrée précédente |

La description complète est dans `datasets/facilitateurs_suivi.md`. Essayez
`journal["type_contact"].value_counts()` et `journal["age"].describe()` dans la cellule
libre.
"""),
        free(),
        read_only("q1_consigne", """
### Question 1 (1 point) — Les doublons
Certaines entrées ont été saisies deux fois : elles sont identiques à une autre entrée
dans **toutes** leurs colonnes. Rangez dans `n_doublons` le nombre d'entrées en trop (les
copies, pas les originaux), puis rangez dans `propre` le journal sans ces copies.
*Indice : `journal.duplicated()` et `journal.drop_duplicates()`.*
"""),
        answer("q1", "\n".join([
            "n_doublons = int(journal.duplicated().sum())",
            "propre = journal.drop_duplicates()",
        ])),
        tests("q1", NAME, "n_doublons", "n_doublons", 1),
        read_only("q2_consigne", """
### Question 2 (2 points) — Combien de contacts par client ?
Avec `propre`, rangez dans `contacts_par_dossier` le nombre moyen d'entrées par dossier :
le nombre d'entrées divisé par le nombre de dossiers différents.
"""),
        answer("q2", 'contacts_par_dossier = len(propre) / propre["dossier"].nunique()'),
        tests("q2", NAME, "contacts_par_dossier", "contacts_par_dossier", 2),
        read_only("q3_consigne", """
### Question 3 (2 points) — L'âge des clients
Quelques facilitateurs ont écrit l'**année de naissance** à la place de l'âge. Rangez dans
`age_moyen` l'âge moyen des clients à l'inscription : **un âge par dossier** (la première
entrée de chaque dossier), en laissant de côté les âges impossibles (plus de 110 ans).
*Indice : `propre.drop_duplicates("dossier")` garde la première entrée de chaque
dossier.*
"""),
        answer("q3", "\n".join([
            'clients = propre.drop_duplicates("dossier")',
            'ages = clients["age"]',
            "age_moyen = ages[ages <= 110].mean()",
        ])),
        tests("q3", NAME, "age_moyen", "age_moyen", 2),
        read_only("q4_consigne", """
### Question 4 (2 points) — Des droits rouverts
Parmi les dossiers des clients arrivés **hors ordre de mutuelle**
(`couverture_entree == "hors_ordre_mutuelle"`), quelle part a eu ses droits rouverts au
moins une fois pendant l'accompagnement ? Rangez-la dans `part_droits_rouverts`.
*Indice : `groupby("dossier")["droits_rouverts"].any()` dit, pour chaque dossier, si
c'est arrivé au moins une fois.*
"""),
        answer("q4", "\n".join([
            'hors_ordre = propre[propre["couverture_entree"] == "hors_ordre_mutuelle"]',
            'rouverts = hors_ordre.groupby("dossier")["droits_rouverts"].any()',
            "part_droits_rouverts = rouverts.mean()",
        ])),
        tests("q4", NAME, "part_droits_rouverts", "part_droits_rouverts", 2),
        read_only("m1_consigne", """
### Question 5 (3 points, corrigée par l'équipe) — Ce que le journal ne dit pas
En 6 à 10 lignes : quelles autres erreurs de saisie voyez-vous dans le journal (dates,
communes) et comment les traiteriez-vous ? Environ 5 % des contacts de suivi n'ont jamais
été saisis, avec ce qui s'y est passé : dans quel sens cela biaise-t-il la part de droits
rouverts ? Peut-on dire, avec ce seul journal, que les facilitateurs ont fait rouvrir ces
droits ?
"""),
        free(),
        written("m1", """
Éléments attendus : dates manquantes ou avec jour et mois inversés (repérables quand une
entrée sort de l'ordre du dossier), communes mal orthographiées ou en néerlandais (table de
correspondance, regrouper par dossier) ; documenter chaque correction plutôt que
d'effacer. Un contact non saisi emporte ses événements : la part de droits rouverts est
sous-estimée. Le journal ne dit pas ce qui serait arrivé sans accompagnement (des droits se
rouvrent aussi sans facilitateur, par la mutualité, le CPAS ou le temps) : il faut un groupe
de comparaison pour parler d'effet.
""", 3),
        read_only("barrieres", """
## 2. Ce que voit le gestionnaire

Chaque mois, les facilitateurs font remonter les barrières qu'ils ont remarquées chez
leurs clients. Ces barrières suivent les cinq étapes de l'accès aux soins (Levesque et
al. 2013, voir le TP 2) : `besoin_non_percu` (percevoir), `peur_mefiance_langue`
(chercher), `delai_distance` (atteindre), `cout` (payer), `soins_inadaptes` (suivre).
"""),
        read_only("q5_consigne", """
### Question 6 (1 point) — Les barrières notées
Avec `propre`, parmi les entrées qui notent une barrière, quelle part revient à chaque
barrière ? Rangez dans `parts_notees` une série pandas indexée par les cinq barrières (les
parts font 1 ensemble ; une barrière jamais notée a une part nulle).
*Indice : `value_counts(normalize=True)` ignore les cases vides.*
"""),
        answer("q5", "\n".join([
            'notees = propre["barriere_notee"].dropna()',
            "parts_notees = notees.value_counts() / len(notees)",
        ])),
        tests("q5", NAME, "parts_notees", "parts_notees", 1),
        read_only("population_consigne", """
La cellule suivante simule la population bruxelloise (la situation de référence, sans
facilitateurs) et range dans `parts_population` la part des besoins non satisfaits de
**toute la population** qui échouent à chaque étape, sur 12 mois, avec les noms de
barrières du journal.
"""),
        given("population", """
import pandas as pd

import passerelle

population = passerelle.run("baseline", **donnees.population)
besoins = pd.Series({barriere: population.last_year(f"unmet_{etape}")
                     for barriere, etape in donnees.etapes().items()})
parts_population = besoins / besoins.sum()
pd.DataFrame({"journal": parts_notees, "population": parts_population})
"""),
        read_only("q6_consigne", """
### Question 7 (2 points) — Le coût, vu du terrain et dans la population
Rangez dans `ecart_cout` la part du coût parmi les barrières notées dans le journal
**moins** sa part parmi les besoins non satisfaits de la population.
"""),
        answer("q6", 'ecart_cout = parts_notees["cout"] - parts_population["cout"]'),
        tests("q6", NAME, "ecart_cout", "ecart_cout", 2),
        given("q6_graphique", """
import matplotlib.pyplot as plt

pd.DataFrame({"journal": parts_notees, "population": parts_population}).plot.bar()
plt.ylabel("part des barrières")
plt.show()
"""),
        read_only("m2_consigne", """
### Question 8 (3 points, corrigée par l'équipe) — Un échantillon biaisé
En 8 à 12 lignes : pourquoi les barrières notées par les facilitateurs ne ressemblent-elles
pas à celles de la population ? Distinguez (1) **qui** est suivi (les clients sont trouvés
par le travail de rue et les signalements des mutualités) et (2) **ce qui est remarqué**
(un coût ou un délai se racontent ; un besoin non perçu, par définition, ne se dit pas).
Que conseilleriez-vous au gestionnaire du projet avant de réorienter les moyens d'après ces
rapports ?
"""),
        free(),
        written("m2", """
Éléments attendus : sélection — les clients ne représentent pas la population (plus de
personnes hors ordre de mutuelle, sans papiers, sans abri, pour qui le coût domine) ;
observation — les facilitateurs remarquent surtout le coût et les délais, rarement un
besoin non perçu ou la peur, qui restent invisibles (barrières notées ≠ barrières vécues,
même parmi les clients) ; peu de barrières notées, donc des parts très incertaines.
Conseils : ne pas conclure que le coût est la barrière principale de la population ;
croiser avec une enquête pondérée (TP 1), les CPAS, les maisons médicales, les centres
inconditionnels ; noter aussi l'absence de barrière observée ; aller vers les personnes qui
ne demandent rien (repérage actif des besoins non perçus).
""", 3),
    ])

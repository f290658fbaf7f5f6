"""The notebook of tp02-cascade (about 2 hours: 5 autograded questions, 2 written)."""

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

NAME = "tp02-cascade"


def build():
    """The source notebook."""
    return notebook([
        read_only("intro", """
# TP 2 — La cascade d'accès aux soins : où les besoins se perdent-ils ?

**Durée prévue : environ 2 heures.** 5 questions corrigées automatiquement (10 points) et
2 questions rédigées, corrigées par l'équipe (6 points).

**Objectifs d'apprentissage.** À la fin de ce TP, vous saurez :
1. lancer une simulation de la Région bruxelloise avec Passerelle et lire ses résultats ;
2. lire l'attribution des besoins non satisfaits aux cinq étapes de l'accès aux soins
   (Levesque et al. 2013), pour toute la population et pour un groupe ;
3. changer une barrière dans un scénario et mesurer son effet en comparant deux
   simulations sur **la même graine** (nombres aléatoires communs) ;
4. expliquer pourquoi lever une barrière ne supprime pas tous les besoins qu'elle bloquait.

**Contexte.** Levesque, Harris et Russell (2013) décrivent l'accès aux soins comme une
suite d'étapes : **percevoir** un besoin (*perceive*), **chercher** des soins (*seek*),
**atteindre** un prestataire (*reach*), **payer** (*pay*), **suivre** les soins jusqu'au
bout (*engage*). Sur le terrain bruxellois, chaque étape a ses obstacles : ne pas savoir
qu'on peut être soigné, la peur ou la langue, un médecin qui ne prend plus de nouveaux
patients, une mutuelle qui n'est plus en ordre ou une AMU pas encore accordée par le CPAS,
des consignes difficiles à suivre. Les facilitateurs en santé des mutualités, les
interprètes sociaux, les maisons médicales et les centres de soins inconditionnels
agissent chacun sur certaines étapes. Passerelle simule une population où chaque besoin de
soins tente chaque mois de franchir ces étapes ; la première étape qui échoue est
enregistrée. Les résultats décrivent le modèle, pas la Belgique.

Règles : ne modifiez pas les cellules verrouillées ; écrivez vos réponses à la place de
`# VOTRE CODE ICI` et `raise NotImplementedError()` ; n'arrondissez pas.
"""),
        read_only("matricule_consigne", """
## 1. Votre simulation

Remplacez les deux lignes de la cellule suivante par votre matricule, par exemple
`MATRICULE = "000123"`. Votre simulation porte sur une petite population (2 000 personnes
simulées, chacune représentant plusieurs centaines d'habitants) pendant 12 mois ; sa
**graine** (le point de départ du hasard) est tirée de votre matricule : vos résultats ne
sont pas ceux de votre voisin.
"""),
        matricule(NAME),
        given("donnees", """
import passerelle
from passerelle.course import mes_donnees
from passerelle.course.grading import verifier

donnees = mes_donnees("tp02-cascade", matricule=MATRICULE)
reference = passerelle.run("baseline", **donnees.reglages)
reference.summary()
"""),
        read_only("lire", """
`reference` contient les résultats mois par mois. Deux méthodes suffisent pour ce TP :

- `reference.last_year("unmet_seek")` : le nombre de besoins non satisfaits parce que
  l'étape « chercher » a échoué, sur les 12 derniers mois, pour la population réelle ;
  les cinq étapes s'appellent `unmet_perceive`, `unmet_seek`, `unmet_reach`, `unmet_pay`,
  `unmet_engage` ;
- le même calcul pour un groupe : `reference.last_year("unmet_pay", coverage="lapsed")`
  (personnes qui ne sont plus en ordre de mutuelle). Les groupes de couverture sont
  `insured`, `insured_bim`, `lapsed`, `undocumented_amu`, `undocumented_no_amu`,
  `asylum_seeker`.

Essayez dans la cellule libre : `reference.by("unmet_pay", "coverage").sum()`.
"""),
        free(),
        read_only("q1_consigne", """
### Question 1 (2 points) — Combien de besoins non satisfaits ?
Rangez dans `besoins_non_satisfaits` le total, sur les 12 derniers mois, des besoins non
satisfaits aux cinq étapes. La liste `ETAPES` ci-dessous vous évite de les recopier.
"""),
        answer("q1", "besoins_non_satisfaits = sum(reference.last_year(f\"unmet_{e}\") "
                     "for e in ETAPES)",
               before='ETAPES = ["perceive", "seek", "reach", "pay", "engage"]'),
        tests("q1", NAME, "besoins_non_satisfaits", "besoins_non_satisfaits", 2),
        read_only("q2_consigne", """
### Question 2 (2 points) — À quelle étape les besoins se perdent-ils ?
Rangez dans `parts_par_etape` une série pandas indexée par les cinq étapes : la part des
besoins non satisfaits qui ont échoué à chaque étape (les cinq parts font 1 ensemble).
"""),
        answer("q2", "\n".join([
            'parts_par_etape = pd.Series({e: reference.last_year(f"unmet_{e}") for e in ETAPES})',
            "parts_par_etape = parts_par_etape / parts_par_etape.sum()",
        ]), before="import pandas as pd"),
        tests("q2", NAME, "parts_par_etape", "parts_par_etape", 2),
        given("q2_graphique", """
import matplotlib.pyplot as plt

parts_par_etape.plot.bar()
plt.ylabel("part des besoins non satisfaits")
plt.show()
"""),
        read_only("q3_consigne", """
### Question 3 (2 points) — Un groupe : les personnes hors ordre de mutuelle
Parmi les besoins non satisfaits des personnes qui ne sont plus en ordre de mutuelle
(`coverage="lapsed"`), quelle part a échoué à l'étape « payer » ? Rangez-la dans
`part_payer_hors_ordre`.
"""),
        answer("q3", "\n".join([
            'hors_ordre = {e: reference.last_year(f"unmet_{e}", coverage="lapsed")',
            '              for e in ETAPES}',
            'part_payer_hors_ordre = hors_ordre["pay"] / sum(hors_ordre.values())',
        ])),
        tests("q3", NAME, "part_payer_hors_ordre", "part_payer_hors_ordre", 2),
        read_only("scenario", """
## 2. Lever une barrière

Un service d'interprétariat social supprime, dans le modèle, l'obstacle de la langue à
l'étape « chercher » : c'est le changement `donnees.changement`. Pour mesurer son effet, on
relance **la même simulation** (mêmes réglages, même graine) avec ce seul changement : les
deux simulations tirent alors les mêmes nombres aléatoires (*nombres aléatoires communs*),
et toute différence vient du changement, pas du hasard.
"""),
        given("scenario_run", """
print(donnees.changement)
interpretes = passerelle.run("baseline", **donnees.reglages, **donnees.changement)
"""),
        read_only("q4_consigne", """
### Question 4 (2 points) — L'effet, étape par étape
Rangez dans `effets_par_etape` une série pandas indexée par les cinq étapes : pour chaque
étape, les besoins non satisfaits du scénario `interpretes` **moins** ceux de la
`reference` (12 derniers mois). Regardez l'étape « percevoir » : pourquoi vaut-elle ce
qu'elle vaut ?
"""),
        answer("q4", "\n".join([
            'effets_par_etape = pd.Series({e: interpretes.last_year(f"unmet_{e}")',
            '                              - reference.last_year(f"unmet_{e}") for e in ETAPES})',
        ])),
        tests("q4", NAME, "effets_par_etape", "effets_par_etape", 1),
        read_only("q5_consigne", """
### Question 5 (1 point) — L'effet total
Rangez dans `effet_total` la différence du total des besoins non satisfaits (cinq étapes),
scénario moins référence. Comparez-la à l'effet à l'étape « chercher ».
"""),
        answer("q5", "effet_total = effets_par_etape.sum()"),
        tests("q5", NAME, "effet_total", "effet_total", 1),
        read_only("m1_consigne", """
### Question 6 (3 points, corrigée par l'équipe) — Les barrières par groupe
En 6 à 10 lignes : quelle étape domine pour toute la population, et pour les personnes hors
ordre de mutuelle ? Qu'est-ce que cela dit des actions à mener (remise en ordre de mutuelle,
AMU par le CPAS, facilitateurs en santé, maisons médicales, centres de soins
inconditionnels) ? Utilisez la cellule libre pour regarder d'autres groupes si vous le
souhaitez.
"""),
        free(),
        written("m1", """
Éléments attendus : pour l'ensemble, l'étape « payer » domine, puis « atteindre » ; pour les
personnes hors ordre de mutuelle, presque tous les échecs sont à « payer » : sans mutuelle,
tout est à charge. Actions : la remise en ordre de mutuelle et l'ouverture des droits
(facilitateurs, assistants sociaux), l'AMU pour les personnes sans titre de séjour,
les maisons médicales au forfait et les centres inconditionnels pour soigner sans attendre
les droits. Une action sur une étape ne sert que les besoins bloqués à cette étape.
""", 3),
        read_only("m2_consigne", """
### Question 7 (3 points, corrigée par l'équipe) — Même graine, et effet déplacé
En 6 à 10 lignes : pourquoi compare-t-on les deux simulations sur la même graine ? Que
verrait-on à l'étape « percevoir » avec deux graines différentes ? Pourquoi l'effet total
est-il plus petit que l'effet à l'étape « chercher » ? Qu'en conclure pour évaluer un
service d'interprétariat ou des facilitateurs sur le terrain ?
"""),
        written("m2", """
Éléments attendus : avec la même graine, chaque personne vit les mêmes événements dans les
deux simulations sauf ce que le changement modifie : la différence est l'effet du
changement, sans bruit. « Percevoir » vient avant « chercher » : l'effet y est nul (ou
presque, par des effets indirects) ; avec deux graines, on y verrait une différence qui
n'est que du hasard. Des besoins qui passent désormais « chercher » échouent plus loin
(atteindre, payer) : la barrière suivante prend le relais. Sur le terrain, un service qui
lève une barrière doit être accompagné d'actions sur les suivantes, et son évaluation
demande un groupe de comparaison.
""", 3),
    ])

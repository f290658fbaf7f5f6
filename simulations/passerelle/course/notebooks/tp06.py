"""The notebook of tp06-essai (about 2 hours: 6 autograded questions, 2 written)."""

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

NAME = "tp06-essai"


def build():
    """The source notebook."""
    return notebook([
        read_only("intro", """
# TP 6 — Les facilitateurs en santé font-ils une différence ? Trois façons de le mesurer

**Durée prévue : environ 2 heures.** 6 questions corrigées automatiquement (10 points) et
2 questions rédigées, corrigées par l'équipe (6 points).

**Objectifs d'apprentissage.** À la fin de ce TP, vous saurez :
1. expliquer pourquoi comparer les participants d'un programme aux autres personnes donne
   une réponse biaisée (biais de sélection) ;
2. estimer l'effet d'une intervention dans un essai randomisé, avec son intervalle de
   confiance ;
3. utiliser un score de propension pour comparer des personnes semblables au départ, et
   dire ce qu'il ne peut pas corriger ;
4. juger une méthode d'évaluation sur des simulations répétées où la vérité est connue :
   son biais et la couverture de ses intervalles de confiance.

**Contexte.** Depuis 2021, des facilitateurs en santé (*community health workers*)
travaillent dans les mutualités et les quartiers bruxellois : ils vont vers les personnes
éloignées des soins, les aident à remettre leur mutuelle en ordre, à demander l'AMU au
CPAS, à trouver un médecin traitant. Ils choisissent qui accompagner : des personnes hors
ordre de mutuelle, vulnérables, qui ont déjà des besoins non satisfaits. Comment savoir si
leur accompagnement diminue les besoins non satisfaits ? Sur le terrain, on ne voit qu'une
des deux issues de chaque personne. Dans Passerelle, on simule la même population avec et
sans facilitateurs, sur la même graine : on connaît **la vérité**, et on peut juger les
méthodes.

Le résultat mesuré `y` est le nombre de mois avec au moins un besoin de soins non satisfait
pendant les 12 mois qui suivent l'arrivée des facilitateurs ; `pre_outcome` est le même
compte sur les 12 mois d'avant. Un effet négatif est une amélioration. Les résultats
décrivent le modèle, pas les facilitateurs réels.

Règles : ne modifiez pas les cellules verrouillées ; écrivez vos réponses à la place de
`# VOTRE CODE ICI` et `raise NotImplementedError()` ; n'arrondissez pas.
"""),
        read_only("matricule_consigne", """
## 1. Vos données

Remplacez les deux lignes de la cellule suivante par votre matricule, par exemple
`MATRICULE = "000123"`. Vos simulations sont tirées à partir de votre matricule.
"""),
        matricule(NAME),
        given("donnees", """
import pandas as pd

from passerelle.course import mes_donnees
from passerelle.course.grading import verifier
from passerelle.evaluate import ipw, ols

donnees = mes_donnees("tp06-essai", matricule=MATRICULE)
observation = donnees.observation
essai = donnees.essai
observation.head()
"""),
        read_only("lire", """
Vous avez deux jeux de données, une ligne par personne :

- `observation` : toute la population simulée, telle que des données administratives la
  montrent ; `treated` vaut 1 pour les personnes que les facilitateurs ont accompagnées
  (les participants) et 0 pour les autres. Les colonnes `base_...` décrivent chaque
  personne au départ (hors ordre de mutuelle, sans papiers, BIM, médecin traitant,
  quintile de revenu, sans-abri, langue, assuétudes, âge) ; `donnees.covariables` en donne
  la liste.
- `essai` : un essai randomisé. Les personnes que les facilitateurs ont recrutées ont été
  tirées au sort : `arm` vaut 1 pour celles qui reçoivent l'accompagnement, 0 pour le bras
  témoin. Quelques-unes sont perdues de vue.

Essayez dans la cellule libre : `observation["treated"].sum()`,
`observation.groupby("treated")["base_lapsed"].mean()`.
"""),
        free(),
        read_only("q1_consigne", """
### Question 1 (2 points) — La comparaison naïve
Rangez dans `difference_naive` la moyenne de `y` chez les participants **moins** la
moyenne de `y` chez les non-participants (jeu `observation`).
"""),
        answer("q1", "\n".join([
            'moyennes = observation.groupby("treated")["y"].mean()',
            "difference_naive = moyennes[1] - moyennes[0]",
        ])),
        tests("q1", NAME, "difference_naive", "difference_naive", 2),
        read_only("q2_consigne", """
### Question 2 (2 points) — L'essai randomisé
Rangez dans `effet_essai` la moyenne de `y` dans le bras accompagné **moins** celle du bras
témoin (jeu `essai`).
"""),
        answer("q2", "\n".join([
            'bras = essai.groupby("arm")["y"].mean()',
            "effet_essai = bras[1] - bras[0]",
        ])),
        tests("q2", NAME, "effet_essai", "effet_essai", 2),
        read_only("q3_consigne", """
### Question 3 (1 point) — L'intervalle de confiance de l'essai
La fonction `ols(essai, "y", "arm")` estime la même différence par une régression, avec une
erreur type robuste. Rangez dans `intervalle_essai` son intervalle de confiance à 95 %, deux
bornes (basse, haute) : `estimation.conf_int`. Affichez aussi `estimation.summary()`.
"""),
        answer("q3", "\n".join([
            'estimation = ols(essai, "y", "arm")',
            "intervalle_essai = estimation.conf_int",
        ]), after="print(estimation.summary())"),
        tests("q3", NAME, "intervalle_essai", "intervalle_essai", 1),
        read_only("m1_consigne", """
### Question 4 (3 points, corrigée par l'équipe) — Pourquoi les deux réponses diffèrent-elles ?
En 6 à 10 lignes : comparez la différence naïve et l'effet mesuré par l'essai. Regardez
qui sont les participants au départ (par exemple
`observation.groupby("treated")[donnees.covariables].mean()`). Pourquoi la comparaison
naïve peut-elle faire croire que l'accompagnement aggrave la situation ? Que garantit le
tirage au sort ?
"""),
        free(),
        written("m1", """
Éléments attendus : les facilitateurs accompagnent des personnes qui vont plus mal au
départ (hors ordre de mutuelle, sans papiers, besoins non satisfaits avant : pre_outcome
plus élevé) ; elles auraient eu plus de mois sans soins même sans accompagnement : la
différence naïve mélange l'effet et cette différence de départ (biais de sélection), et
peut être positive alors que l'effet est nul ou négatif. Le tirage au sort rend les deux
bras semblables en moyenne sur toutes les caractéristiques, observées ou non : la
différence entre bras estime l'effet, avec une incertitude (intervalle large avec une
petite cohorte).
""", 3),
        read_only("q4_consigne", """
### Question 5 (2 points) — Le score de propension
Sans essai, on peut comparer les participants à des non-participants qui leur
ressemblaient au départ. La fonction `ipw` estime la probabilité de participer selon les
covariables (le score de propension) et repondère les non-participants. Rangez dans
`effet_score` l'estimation de l'effet **chez les participants** :
`ipw(observation, "y", "treated", donnees.covariables, estimand="ATT").estimate`.
Un avertissement de convergence peut s'afficher : il n'empêche pas le calcul.
"""),
        answer("q4", "\n".join([
            'score = ipw(observation, "y", "treated", donnees.covariables, estimand="ATT")',
            "effet_score = score.estimate",
        ])),
        tests("q4", NAME, "effet_score", "effet_score", 2),
        read_only("replications", """
## 2. Juger les méthodes : des simulations répétées

Une seule étude ne dit pas si une méthode est bonne : son estimation peut tomber loin par
hasard. Passerelle refait toute l'étude sur plusieurs graines (`donnees.graines`) : chaque
fois une nouvelle population, le même programme, les trois méthodes, et **la vraie valeur**
(colonne `truth`, connue parce que chaque personne est simulée avec et sans
facilitateurs). La cellule suivante le fait pour vous (une à deux minutes) : `tableaux` a un
tableau par méthode, une ligne par graine, avec l'estimation (`estimate`), son erreur type
(`std_error`), les bornes de l'intervalle à 95 % (`low`, `high`), la vérité (`truth`) et
`covered` (l'intervalle contient-il la vérité ?).
"""),
        given("replications_run", """
from passerelle.evaluate.designs.replicate import replicate

METHODES = ["naive", "propensity", "individual-rct"]
lignes = {methode: [] for methode in METHODES}
for graine in donnees.graines:
    for methode in METHODES:
        une = replicate(methode, seeds=[graine], workers=1, **donnees.options)
        lignes[methode].append(une.table)
tableaux = {methode: pd.concat(lignes[methode], ignore_index=True) for methode in METHODES}
tableaux["naive"]
"""),
        read_only("q5_consigne", """
### Question 6 (2 points) — Le biais de chaque méthode
Le biais d'une méthode est la moyenne, sur les simulations, de l'estimation **moins** la
vérité. Rangez dans `biais` une série pandas indexée par les trois méthodes (`METHODES`).
"""),
        answer("q5", "\n".join([
            "biais = pd.Series({m: (tableaux[m][\"estimate\"] - tableaux[m][\"truth\"]).mean()",
            "                   for m in METHODES})",
        ])),
        tests("q5", NAME, "biais", "biais", 2),
        read_only("q6_consigne", """
### Question 7 (1 point) — La couverture des intervalles
La couverture d'une méthode est la part des simulations où son intervalle à 95 % contient
la vérité. Rangez dans `couverture` une série pandas indexée par les trois méthodes.
"""),
        answer("q6", "couverture = pd.Series({m: tableaux[m][\"covered\"].mean() "
                     "for m in METHODES})"),
        tests("q6", NAME, "couverture", "couverture", 1),
        read_only("m2_consigne", """
### Question 8 (3 points, corrigée par l'équipe) — Quelle méthode pour évaluer les facilitateurs ?
En 8 à 12 lignes : que montrent le biais et la couverture des trois méthodes ? Le score de
propension corrige-t-il tout le biais de sélection, et pourquoi (pensez à ce que les
facilitateurs voient et que les covariables ne mesurent pas) ? Avec si peu de
simulations, quelle prudence garder ? Que recommanderiez-vous à une mutualité ou à la
Région qui veut évaluer son programme de facilitateurs (tirage au sort, liste d'attente,
déploiement par étapes), et quelles questions éthiques cela pose-t-il ?
"""),
        written("m2", """
Éléments attendus : la comparaison naïve est fortement biaisée (vers le haut) et ses
intervalles ne contiennent presque jamais la vérité : plus de données n'y changent rien. Le
score de propension réduit le biais grâce aux covariables observées mais ne corrige pas ce
qui n'est pas mesuré (motivation, gravité vue par le facilitateur) ; sa couverture peut
rester imparfaite. L'essai est sans biais en moyenne et ses intervalles couvrent la vérité
environ 95 fois sur 100, mais ils sont larges (petite cohorte). Avec quelques simulations,
biais et couverture sont eux-mêmes incertains (erreur de Monte Carlo). Recommandation : un
essai randomisé (individuel, ou par étapes/stepped wedge quand tout le monde doit finir
par être servi, ou sur liste d'attente), avec un consentement éclairé et sans priver
quiconque d'un droit ; à défaut, un score de propension avec des données de départ riches,
en discutant le biais restant.
""", 3),
    ])

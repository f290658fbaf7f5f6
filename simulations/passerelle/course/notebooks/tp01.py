"""The notebook of tp01-non-recours (about 2 hours: 7 autograded questions, 2 written)."""

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

NAME = "tp01-non-recours"


def build():
    """The source notebook."""
    return notebook([
        read_only("intro", """
# TP 1 — Mesurer le non-recours aux soins à partir d'une enquête pondérée

**Durée prévue : environ 2 heures.** 7 questions corrigées automatiquement (10 points) et
2 questions rédigées, corrigées par l'équipe (6 points).

**Objectifs d'apprentissage.** À la fin de ce TP, vous saurez :
1. distinguer les personnes tirées au sort, les répondants et les non-répondants ;
2. calculer une part brute (non pondérée) et une part pondérée, et dire pourquoi elles
   diffèrent ;
3. construire un intervalle de confiance à 95 % qui tient compte du plan de sondage, et
   lire un effet de plan ;
4. comparer le besoin non satisfait par quintile de revenu et selon que la personne est en
   ordre de mutuelle ou non ;
5. expliquer ce qu'une enquête construite sur le registre de la population ne peut pas voir.

**Contexte.** L'Enquête de santé par interview (HIS) de Sciensano demande : « Au cours des
12 derniers mois, avez-vous eu besoin de soins sans les obtenir ? ». Sur le terrain, les
assistants sociaux des CPAS, les maisons médicales, les facilitateurs en santé des
mutualités et les centres de soins inconditionnels de Médecins du Monde rencontrent chaque
jour des personnes qui renoncent à se soigner : coût, délais, peur, langue, droits non
ouverts (mutuelle, aide médicale urgente — AMU). Ce TP mesure ce non-recours avec une
enquête **simulée** par le modèle Passerelle, construite comme la HIS : tirage stratifié
par commune, non-réponse, poids. Aucune personne réelle n'y figure ; les résultats
décrivent le modèle, pas la Belgique.

Règles : ne modifiez pas les cellules verrouillées ; écrivez vos réponses à la place de
`# VOTRE CODE ICI` et `raise NotImplementedError()` ; **n'arrondissez pas** vos réponses
(laissez Python calculer). Chaque question est suivie d'une cellule de vérification : elle
contrôle la *forme* de la réponse, pas sa justesse.
"""),
        read_only("matricule_consigne", """
## 1. Vos données

Remplacez les deux lignes de la cellule suivante par votre matricule, par exemple
`MATRICULE = "000123"`. Vos données sont tirées de ce matricule : un notebook copié sur un
autre étudiant donne les réponses de cet étudiant, pas les vôtres.
"""),
        matricule(NAME),
        given("donnees", """
from passerelle.course import mes_donnees
from passerelle.course.grading import verifier

donnees = mes_donnees("tp01-non-recours", matricule=MATRICULE)
donnees.head()
"""),
        read_only("colonnes", """
Une ligne par personne **tirée au sort** dans le registre de la population (16 ans et
plus). Les colonnes utiles :

| colonne | contenu |
|---|---|
| `commune` | commune de résidence : la *strate* du tirage |
| `statut` | `repondant` (interviewé), `non_repondant` (refus, pas joint), `hors_champ` (décédé) |
| `poids_plan` | nombre d'habitants que représente chaque personne tirée |
| `poids` | poids corrigé de la non-réponse (répondants seulement) |
| `quintile_revenu` | 1 (revenus les plus bas) à 5 ; vide si non déclaré |
| `en_ordre_mutuelle` | `True` si la personne est en ordre de mutuelle |
| `besoin_non_satisfait` | `True` : besoin de soins non obtenu (vide si non-répondant) |

La description complète est dans `datasets/enquete_sante.md`. Essayez
`donnees["statut"].value_counts()` dans la cellule libre ci-dessous.
"""),
        free(),
        read_only("q1_consigne", """
### Question 1 (1 point) — Combien de répondants ?
Rangez dans `n_repondants` le nombre de personnes qui ont répondu à l'enquête.
"""),
        answer("q1", 'n_repondants = int((donnees["statut"] == "repondant").sum())'),
        tests("q1", NAME, "n_repondants", "n_repondants", 1),
        read_only("q2_consigne", """
### Question 2 (1 point) — La part brute
Parmi les répondants, quelle part (entre 0 et 1) déclare un besoin de soins non
satisfait ? Sans poids : chaque répondant compte pour un. Rangez-la dans `part_brute`.
*Indice : une moyenne de valeurs vrai/faux est une part.*
"""),
        answer("q2", "\n".join([
            'repondants = donnees[donnees["statut"] == "repondant"]',
            'part_brute = repondants["besoin_non_satisfait"].astype(float).mean()',
        ])),
        tests("q2", NAME, "part_brute", "part_brute", 1),
        read_only("q3_consigne", """
### Question 3 (2 points) — La part pondérée
Les petites communes ont été suréchantillonnées et certains groupes répondent moins que
d'autres. Chaque répondant doit compter pour le nombre d'habitants qu'il représente : la
colonne `poids`. La part pondérée est la somme des poids des répondants qui déclarent un
besoin non satisfait, divisée par la somme des poids de tous les répondants. Rangez-la dans
`part_ponderee`.
"""),
        answer("q3", "\n".join([
            'rep = donnees[donnees["statut"] == "repondant"]',
            'besoin = rep["besoin_non_satisfait"].astype(float)',
            'part_ponderee = (besoin * rep["poids"]).sum() / rep["poids"].sum()',
        ])),
        tests("q3", NAME, "part_ponderee", "part_ponderee", 2),
        read_only("q4_consigne", """
### Question 4 (2 points) — Un intervalle de confiance qui respecte le plan de sondage
Un autre tirage aurait donné une autre estimation. L'erreur type mesure cette variation.
Dans une enquête stratifiée et pondérée, elle se calcule par *linéarisation*, strate par
strate (commune par commune) : la fonction `design_variance` le fait pour vous et donne la
**variance** de la part pondérée (le carré de l'erreur type).

1. Calculez l'erreur type `erreur_type` (la racine carrée de la variance : `** 0.5`).
2. Rangez dans `intervalle` l'intervalle de confiance à 95 % :
   `(part_ponderee - 1.96 * erreur_type, part_ponderee + 1.96 * erreur_type)`.
"""),
        answer("q4", "\n".join([
            "erreur_type = variance_plan ** 0.5",
            "intervalle = (part_ponderee - 1.96 * erreur_type, "
            "part_ponderee + 1.96 * erreur_type)",
        ]), before="\n".join([
            "from passerelle.course.survey_estimates import design_variance",
            "",
            "variance_plan = design_variance(donnees)",
        ])),
        tests("q4", NAME, "intervalle", "intervalle", 2),
        read_only("q5_consigne", """
### Question 5 (1 point) — L'effet de plan
Si les mêmes répondants avaient été tirés par un tirage simple (sans strates ni poids),
l'erreur type serait `(p * (1 - p) / n) ** 0.5`, avec `p` la part pondérée et `n` le nombre
de répondants. L'**effet de plan** est le rapport des variances :
`(erreur type du plan / erreur type du tirage simple) ** 2`. Rangez-le dans
`effet_de_plan`. Un effet de plan de 1,3 veut dire que l'enquête a la précision d'un
tirage simple de `n / 1,3` personnes.
"""),
        answer("q5", "\n".join([
            "erreur_type_simple = (part_ponderee * (1 - part_ponderee) / n_repondants) ** 0.5",
            "effet_de_plan = (erreur_type / erreur_type_simple) ** 2",
        ])),
        tests("q5", NAME, "effet_de_plan", "effet_de_plan", 1),
        read_only("q6_consigne", """
### Question 6 (2 points) — Par quintile de revenu
Calculez la part pondérée de besoin non satisfait dans chaque quintile de revenu, parmi les
répondants de ce quintile. Rangez le résultat dans `par_quintile`, une série pandas indexée
par les quintiles 1 à 5 (les répondants qui n'ont pas déclaré leur revenu ne sont dans
aucun quintile). *Indice : `groupby("quintile_revenu")`, puis pour chaque groupe la même
formule qu'à la question 3.*
"""),
        answer("q6", "\n".join([
            'rep["besoin_pondere"] = rep["besoin_non_satisfait"].astype(float) * rep["poids"]',
            'sommes = rep.groupby("quintile_revenu")[["besoin_pondere", "poids"]].sum()',
            'par_quintile = sommes["besoin_pondere"] / sommes["poids"]',
        ])),
        tests("q6", NAME, "par_quintile", "par_quintile", 2),
        given("q6_graphique", """
import matplotlib.pyplot as plt

par_quintile.plot.bar()
plt.xlabel("quintile de revenu (1 = revenus les plus bas)")
plt.ylabel("part avec un besoin non satisfait")
plt.show()
"""),
        read_only("q7_consigne", """
### Question 7 (1 point) — En ordre de mutuelle ou non
Calculez, avec les poids, la part de besoin non satisfait chez les répondants **qui ne sont
pas en ordre de mutuelle** moins la même part chez ceux qui sont en ordre. Rangez cette
différence dans `ecart_couverture`. Regardez aussi combien de répondants ne sont pas en
ordre : qu'en pensez-vous pour la précision ?
"""),
        answer("q7", "\n".join([
            'par_couverture = rep.groupby("en_ordre_mutuelle")[["besoin_pondere", "poids"]].sum()',
            'parts = par_couverture["besoin_pondere"] / par_couverture["poids"]',
            "ecart_couverture = parts[False] - parts[True]",
        ])),
        tests("q7", NAME, "ecart_couverture", "ecart_couverture", 1),
        read_only("m1_consigne", """
### Question 8 (3 points, corrigée par l'équipe) — Lire vos résultats
En 5 à 8 lignes : la part pondérée diffère-t-elle beaucoup de la part brute, et pourquoi
(ou pourquoi pas) ? Que dit votre intervalle de confiance sur la précision de l'estimation ?
Comment le besoin non satisfait varie-t-il avec le revenu et avec le fait d'être en ordre de
mutuelle, et que vaut la comparaison pour un groupe de quelques dizaines de répondants ?
"""),
        written("m1", """
Éléments attendus : la pondération corrige le suréchantillonnage des petites communes et la
non-réponse par âge, sexe et commune ; ici l'écart entre part brute et pondérée est petit
devant l'erreur type, car le besoin non satisfait varie peu selon ces critères — ce qui ne
dispense pas de pondérer. L'intervalle à 95 % donne l'ordre de grandeur de l'incertitude ;
l'effet de plan supérieur à 1 vient des poids inégaux. Le gradient par revenu (plus de
besoin non satisfait dans le premier quintile) ; l'écart très grand pour les personnes hors
ordre de mutuelle, mais estimé sur très peu de répondants : intervalle large, prudence.
""", 3),
        read_only("m2_consigne", """
### Question 9 (3 points, corrigée par l'équipe) — Ce que l'enquête ne voit pas
L'enquête est tirée du **registre de la population**. La cellule suivante affiche ce que la
simulation sait de la population entière : la vraie part de besoin non satisfait parmi les
personnes du registre et parmi tous les adultes bruxellois. En 8 à 12 lignes : qui manque
dans la base de sondage (pensez aux personnes sans titre de séjour, aux demandeurs d'asile,
aux personnes sans abri), pourquoi leur besoin non satisfait est plus élevé, et par quelles
autres sources on pourrait le mesurer (CPAS et AMU, centres de soins inconditionnels,
facilitateurs en santé, maisons médicales). Quelles autres limites la non-réponse et les
besoins non perçus ajoutent-elles ?
"""),
        given("verite", """
import json

from passerelle.engine.sources import SOURCES_DIR

verite = json.loads((SOURCES_DIR.parent / "truth.json").read_text())["enquete_sante"]
{cle: verite[cle] for cle in ("unmet_share_frame", "unmet_share_all_adults")}
"""),
        written("m2", """
Éléments attendus : le registre exclut les personnes sans titre de séjour, les demandeurs
d'asile en accueil et les sans-abri ; ce sont celles qui ont le plus de besoins non
satisfaits (pas de mutuelle, AMU difficile à obtenir auprès du CPAS, peur d'être signalé,
langue). L'enquête sous-estime donc le besoin non satisfait de l'ensemble des adultes
(comparer les deux parts affichées). Autres sources : les demandes d'AMU et les dossiers
des CPAS, les consultations des centres de soins inconditionnels (Médecins du Monde), les
suivis des facilitateurs en santé, les maisons médicales. Limites : la non-réponse
sélective (bas revenus, barrière de langue) que les poids ne corrigent pas ; les besoins
non perçus ne sont pas déclarés ; une seule raison par personne.
""", 3),
    ])

"""The notebook of tp07-double-difference (about 2 hours: 6 autograded questions, 2 written)."""

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

NAME = "tp07-double-difference"


def build():
    """The source notebook."""
    return notebook([
        read_only("intro", """
# TP 7 — L'ouverture du centre de Molenbeek : une double différence

**Durée prévue : environ 2 heures.** 6 questions corrigées automatiquement (10 points) et
2 questions rédigées, corrigées par l'équipe (6 points).

**Objectifs d'apprentissage.** À la fin de ce TP, vous saurez :
1. calculer un taux pour 1 000 habitants par commune et par mois, et tracer deux séries ;
2. vérifier l'hypothèse des **tendances parallèles** avant l'ouverture (un graphique et un
   écart de pentes) ;
3. estimer l'effet de l'ouverture par une **double différence** (différence de
   différences), à la main puis avec `passerelle.evaluate` ;
4. reconnaître le **débordement** (les habitants des communes voisines viennent aussi au
   centre) et mesurer ce qu'il fait à l'estimation ;
5. traiter des **ouvertures échelonnées** (Molenbeek 2017, Anderlecht 2023) avec
   l'estimateur de Callaway et Sant'Anna, et dire pourquoi l'estimateur à effets fixes
   (TWFE) peut tromper.

**Contexte.** En octobre 2017, Médecins du Monde ouvre à Molenbeek-Saint-Jean un centre de
soins inconditionnels : on y est soigné sans papiers, sans mutuelle et sans payer, avec un
accompagnement social vers l'ouverture des droits (mutuelle, AMU par le CPAS). Un second
centre ouvre à Anderlecht (Cureghem) au printemps 2023. Le centre a-t-il réduit le
non-recours aux soins à Molenbeek ? On ne peut pas observer Molenbeek sans le centre : on
compare son évolution à celle des autres communes. Les données `panel_communes` sont un
panel **simulé** par Passerelle (19 communes × 120 mois, 2016-2025) ; aucune personne
réelle n'y figure et les résultats décrivent le modèle, pas les vraies communes. Comme la
simulation connaît aussi la Région sans les centres, l'effet vrai est connu : vous pourrez
comparer vos estimations à la vérité.

Règles : ne modifiez pas les cellules verrouillées ; écrivez vos réponses à la place de
`# VOTRE CODE ICI` et `raise NotImplementedError()` ; **n'arrondissez pas**. Chaque question
est suivie d'une cellule de vérification : elle contrôle la *forme* de la réponse, pas sa
justesse.
"""),
        read_only("matricule_consigne", """
## 1. Vos données

Remplacez les deux lignes de la cellule suivante par votre matricule, par exemple
`MATRICULE = "000123"`. Votre panel est un autre échantillon de la même population
simulée : les nombres de besoins non satisfaits et de passages aux urgences sont retirés
au sort à partir de votre matricule (le bruit d'un échantillon où une personne simulée
représente environ 33 habitants). Vos réponses ne sont pas celles de votre voisin.
"""),
        matricule(NAME),
        given("donnees", """
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from passerelle.course import mes_donnees
from passerelle.course.grading import verifier

donnees = mes_donnees("tp07-double-difference", matricule=MATRICULE)
donnees.head()
"""),
        read_only("colonnes", """
Une ligne par commune et par mois. Les colonnes utiles :

| colonne | contenu |
|---|---|
| `commune` | la commune (19 communes bruxelloises) |
| `mois` | le mois (premier jour du mois) |
| `population` | habitants présents en fin de mois |
| `besoins_non_satisfaits` | besoins de soins restés sans réponse dans le mois |
| `centre_ouvert` | `True` quand un centre ouvert à tous se trouve dans la commune |
| `distance_centre_km` | distance au centre ouvert le plus proche, en km (vide avant 2017) |

La description complète est dans `datasets/panel_communes.md`. La cellule suivante ajoute
le **taux** de besoins non satisfaits pour 1 000 habitants, et fixe la fenêtre d'étude de
la double différence : du début du panel à 24 mois après l'ouverture de Molenbeek (avant
les facilitateurs de 2021 et le centre d'Anderlecht de 2023), sans la commune de
Bruxelles, où un centre pour personnes ayant des assuétudes ouvre en janvier 2018.
"""),
        given("fenetre", """
MOLENBEEK = "Molenbeek-Saint-Jean"
donnees["taux"] = donnees["besoins_non_satisfaits"] / donnees["population"] * 1000
OUVERTURE = donnees.loc[donnees["centre_ouvert"] & (donnees["commune"] == MOLENBEEK),
                        "mois"].min()
FIN = OUVERTURE + pd.DateOffset(months=24)
fenetre = donnees[(donnees["mois"] < FIN) & (donnees["commune"] != "Bruxelles")]
avant = fenetre[fenetre["mois"] < OUVERTURE]
apres = fenetre[fenetre["mois"] >= OUVERTURE]
TEMOINS = sorted(set(fenetre["commune"]) - {MOLENBEEK})
print("ouverture :", OUVERTURE.date(), "; fin de la fenêtre :", FIN.date())
print(len(TEMOINS), "communes témoins")
"""),
        free(),
        read_only("q1_consigne", """
### Question 1 (1 point) — Le taux avant l'ouverture
Rangez dans `taux_avant` le taux mensuel moyen de besoins non satisfaits pour 1 000
habitants à Molenbeek, sur les mois **avant** l'ouverture du centre (tableau `avant`).
"""),
        answer("q1", 'taux_avant = avant.loc[avant["commune"] == MOLENBEEK, "taux"].mean()'),
        tests("q1", NAME, "taux_avant", "taux_avant", 1),
        read_only("tendances", """
## 2. Les tendances parallèles

La double différence suppose que, **sans le centre**, Molenbeek aurait évolué comme les
communes témoins : les deux courbes peuvent être à des niveaux différents, mais elles
doivent être parallèles. On ne peut le vérifier qu'avant l'ouverture. La cellule suivante
trace le taux de Molenbeek et la moyenne des taux des communes témoins (chaque commune
compte pour une).
"""),
        given("graphique", """
par_mois = fenetre.pivot_table(index="mois", columns="commune", values="taux")
molenbeek = par_mois[MOLENBEEK]
temoins = par_mois[TEMOINS].mean(axis=1)
molenbeek.plot(label="Molenbeek-Saint-Jean")
temoins.plot(label="moyenne des communes témoins")
plt.axvline(OUVERTURE, color="grey", linestyle="--")
plt.ylabel("besoins non satisfaits pour 1 000 habitants, par mois")
plt.legend()
plt.show()
"""),
        read_only("q2_consigne", """
### Question 2 (2 points) — Un test des tendances avant l'ouverture
Sur les mois **avant** l'ouverture, ajustez une droite au taux de Molenbeek et une droite à
la moyenne des témoins (`np.polyfit(x, y, 1)[0]` donne la pente, avec `x` les numéros des
mois 0, 1, 2, …). Rangez dans `ecart_de_pente_avant` la pente de Molenbeek **moins** celle
des témoins (en taux pour 1 000 habitants, par mois). Une valeur proche de zéro est
compatible avec des tendances parallèles.
"""),
        answer("q2", "\n".join([
            "x = np.arange(len(molenbeek[molenbeek.index < OUVERTURE]))",
            "pente_molenbeek = np.polyfit(x, molenbeek[molenbeek.index < OUVERTURE], 1)[0]",
            "pente_temoins = np.polyfit(x, temoins[temoins.index < OUVERTURE], 1)[0]",
            "ecart_de_pente_avant = pente_molenbeek - pente_temoins",
        ])),
        tests("q2", NAME, "ecart_de_pente_avant", "ecart_de_pente_avant", 2),
        read_only("q3_consigne", """
## 3. La double différence

### Question 3 (2 points) — L'effet de l'ouverture
La double différence est : (taux moyen de Molenbeek après − avant) − (taux moyen des
témoins après − avant), où le taux des témoins est, chaque mois, la moyenne des taux des
communes témoins (la série `temoins`). Rangez-la dans `double_difference`. Vous pouvez la
calculer à la main, ou avec la fonction `plain_did` de Passerelle :
`plain_did(fenetre, MOLENBEEK, OUVERTURE, outcome="taux", unit="commune", time="mois").estimate`.
"""),
        answer("q3", "\n".join([
            "changement_molenbeek = (molenbeek[molenbeek.index >= OUVERTURE].mean()",
            "                        - molenbeek[molenbeek.index < OUVERTURE].mean())",
            "changement_temoins = (temoins[temoins.index >= OUVERTURE].mean()",
            "                      - temoins[temoins.index < OUVERTURE].mean())",
            "double_difference = changement_molenbeek - changement_temoins",
        ]), before="from passerelle.evaluate import plain_did"),
        tests("q3", NAME, "double_difference", "double_difference", 2),
        read_only("debordement_consigne", """
## 4. Le débordement vers les communes voisines

Un centre n'attire pas que les habitants de sa commune : ceux de Koekelberg, Jette ou
Anderlecht peuvent venir à pied. Si les communes voisines profitent du centre, elles ne
sont pas de bons témoins. On appelle **voisines** les communes à 3 km ou moins du centre
(colonne `distance_centre_km` au mois de l'ouverture), Molenbeek exclue.
"""),
        given("voisines", """
au_mois_ouverture = fenetre[fenetre["mois"] == OUVERTURE]
VOISINES = sorted(set(au_mois_ouverture.loc[au_mois_ouverture["distance_centre_km"] <= 3,
                                            "commune"]) - {MOLENBEEK})
ELOIGNEES = sorted(set(TEMOINS) - set(VOISINES))
print("voisines :", VOISINES)
"""),
        read_only("q4_consigne", """
### Question 4 (2 points) — Sans les voisines
Refaites la double difference de la question 3 avec, pour témoins, les seules communes
**éloignées** (`ELOIGNEES`). Rangez-la dans `double_difference_sans_voisines`.
"""),
        answer("q4", "\n".join([
            "eloignees = par_mois[ELOIGNEES].mean(axis=1)",
            "changement_eloignees = (eloignees[eloignees.index >= OUVERTURE].mean()",
            "                        - eloignees[eloignees.index < OUVERTURE].mean())",
            "double_difference_sans_voisines = changement_molenbeek - changement_eloignees",
        ])),
        tests("q4", NAME, "double_difference_sans_voisines", "double_difference_sans_voisines",
              2),
        read_only("q5_consigne", """
### Question 5 (1 point) — L'effet sur les voisines
Mesurez le débordement par une double différence où les « traitées » sont les communes
voisines (la moyenne de leurs taux, chaque mois) et les témoins les communes éloignées :
(voisines après − avant) − (éloignées après − avant). Rangez-la dans `debordement`.
"""),
        answer("q5", "\n".join([
            "voisines = par_mois[VOISINES].mean(axis=1)",
            "changement_voisines = (voisines[voisines.index >= OUVERTURE].mean()",
            "                       - voisines[voisines.index < OUVERTURE].mean())",
            "debordement = changement_voisines - changement_eloignees",
        ])),
        tests("q5", NAME, "debordement", "debordement", 1),
        read_only("echelonne", """
## 5. Des ouvertures échelonnées

Sur tout le panel (2016-2025, toutes les communes), deux communes reçoivent un centre à des
dates différentes : Molenbeek en 2017, Anderlecht en 2023. L'estimateur à effets fixes
(`twfe`) compare alors aussi Anderlecht à Molenbeek, déjà traitée, comme si Molenbeek était
un témoin. L'estimateur de **Callaway et Sant'Anna** compare chaque *cohorte* (les
communes qui ouvrent un même mois) aux seules communes jamais traitées. La cellule
suivante numérote les mois et donne à chaque commune sa cohorte : le numéro du premier
mois avec un centre, 0 si elle n'en a jamais.
"""),
        given("cohortes", """
from passerelle.evaluate import callaway_santanna, twfe

donnees["numero_mois"] = donnees["mois"].dt.year * 12 + donnees["mois"].dt.month
premier = donnees[donnees["centre_ouvert"]].groupby("commune")["numero_mois"].min()
donnees["cohorte"] = donnees["commune"].map(premier).fillna(0)
donnees["traite"] = donnees["centre_ouvert"].astype(int)
effets_fixes = twfe(donnees, "taux", "commune", "numero_mois", "traite")
print("TWFE :", effets_fixes.estimate)
"""),
        read_only("q6_consigne", """
### Question 6 (2 points) — Callaway et Sant'Anna
Appelez `callaway_santanna(donnees, "taux", "commune", "numero_mois", "cohorte")` et rangez
son estimation (l'attribut `.estimate` du résultat) dans `callaway_santanna_effet`.
"""),
        answer("q6", "\n".join([
            'cs = callaway_santanna(donnees, "taux", "commune", "numero_mois", "cohorte")',
            "callaway_santanna_effet = cs.estimate",
        ])),
        tests("q6", NAME, "callaway_santanna", "callaway_santanna_effet", 2),
        read_only("verite_consigne", """
## 6. Et la vérité ?

La simulation a rejoué la même population sans les centres : l'effet vrai est connu. La
cellule suivante l'affiche (pour 1 000 habitants par mois), avec une double différence
synthétique (`synthetic_did`, qui choisit des poids pour les témoins et pour les mois
afin que les témoins ressemblent à Molenbeek avant l'ouverture). Votre panel est un autre
échantillon de la même population : vos estimations s'écartent de la vérité aussi par le
hasard de l'échantillon.
"""),
        given("verite", """
import passerelle.datasets
from passerelle.evaluate import synthetic_did

verite = passerelle.datasets.truth("panel_communes")
print("effet vrai à Molenbeek :", verite["centres"]["molenbeek"]["effect_besoins_non_satisfaits"])
print("effet vrai dans les communes sans centre (débordement) :",
      verite["centres_spillover_communes_without_centre"]["effect_besoins_non_satisfaits"])
synthetique = synthetic_did(fenetre, MOLENBEEK, OUVERTURE, outcome="taux", unit="commune",
                            time="mois", n_resamples=0)
print("double différence synthétique :", synthetique.estimate)
"""),
        read_only("m1_consigne", """
### Question 7 (3 points, corrigée par l'équipe) — Les tendances étaient-elles parallèles ?
En 6 à 10 lignes : que montrent le graphique et l'écart de pentes de la question 2 ?
Multipliez l'écart de pentes par le nombre de mois d'avant : est-ce petit ou grand devant
l'effet estimé ? Qu'est-ce qui, sur le terrain, pourrait faire évoluer Molenbeek autrement
que les autres communes sans le centre (arrivées de personnes sans titre de séjour,
changements au CPAS, maisons médicales) ? Un test d'avant l'ouverture prouve-t-il que
l'hypothèse tient après ?
"""),
        free(),
        written("m1", """
Éléments attendus : le graphique montre deux séries bruitées à des niveaux différents
(Molenbeek plus haut), qui évoluent de façon comparable avant l'ouverture ; l'écart de
pentes, multiplié par une vingtaine de mois, est à comparer à la double différence : petit
devant elle, il est compatible avec des tendances parallèles, mais le bruit mensuel est
grand et 21 mois d'avant donnent peu de puissance. Un écart de pentes de même signe que
l'effet gonflerait l'estimation. Sur le terrain : flux de personnes sans titre de séjour,
politique AMU du CPAS, ouverture de maisons médicales, autres projets. Le test ne porte que
sur l'avant : l'hypothèse contrefactuelle après l'ouverture reste invérifiable.
""", 3),
        read_only("m2_consigne", """
### Question 8 (3 points, corrigée par l'équipe) — Débordement, autres centres, et TWFE
En 8 à 12 lignes : comparez vos estimations des questions 3 et 4 et l'effet vrai. Dans
quel sens le débordement biaise-t-il la double difference naïve, et pourquoi ? Pourquoi
avoir arrêté la fenêtre 24 mois après l'ouverture et retiré Bruxelles ? Pourquoi TWFE et
Callaway-Sant'Anna diffèrent-ils sur tout le panel ? Que conseilleriez-vous à une commune
qui veut évaluer l'ouverture d'un centre ?
"""),
        written("m2", """
Éléments attendus : les voisines profitent aussi du centre (débordement négatif sur leur
taux) : leur baisse est retranchée, et la double différence naïve sous-estime l'effet en
valeur absolue ; sans les voisines, l'estimation se rapproche de l'effet vrai, au prix de
témoins moins nombreux et plus différents (communes aisées du sud-est). La fenêtre exclut
les traitements qui se chevauchent (facilitateurs 2021, Anderlecht 2023) et Bruxelles a son
propre centre pour assuétudes dès 2018. TWFE utilise Molenbeek, déjà traitée, comme témoin
d'Anderlecht : avec des effets qui varient dans le temps, ses poids mélangent les
comparaisons ; Callaway-Sant'Anna ne compare qu'aux jamais traitées. Conseil : choisir des
témoins éloignés, vérifier les tendances avant, documenter les autres interventions,
mesurer aussi les voisines, et tenir compte du bruit (petites communes).
""", 3),
    ])

"""The notebook of tp08-economie-equite (about 2 hours: 5 autograded questions, 2 written)."""

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

NAME = "tp08-economie-equite"


def build():
    """The source notebook."""
    return notebook([
        read_only("intro", """
# TP 8 — Facilitateurs ou centres ? Coût-efficacité et équité

**Durée prévue : environ 2 heures.** 5 questions corrigées automatiquement (10 points) et
2 questions rédigées, corrigées par l'équipe (6 points).

**Objectifs d'apprentissage.** À la fin de ce TP, vous saurez :
1. additionner les coûts de tous les payeurs (INAMI, patients, État fédéral, financeurs des
   programmes) pour plusieurs stratégies simulées sur **la même graine** ;
2. mesurer un effet en besoins-mois évités et calculer un **rapport différentiel
   coût-résultat** (RDCR, en anglais ICER) ;
3. lire une **courbe d'acceptabilité** : la probabilité qu'une stratégie soit la meilleure
   selon ce qu'on est prêt à payer ;
4. mesurer **à qui** profite une intervention avec un **indice de concentration** par
   quintile de revenu ;
5. dire ce que la mesure d'effet choisie laisse de côté.

**Contexte.** Deux réponses au non-recours aux soins coexistent à Bruxelles : les
**facilitateurs en santé** du projet fédéral (douze en Région bruxelloise depuis 2021, qui
accompagnent des personnes vers leurs droits et vers un médecin) et les **centres de soins
inconditionnels** (Médecins du Monde à Molenbeek depuis 2017, Cureghem à Anderlecht depuis
2023 ; un premier budget annuel de 954 500 EUR). Un financeur demande : pour un euro de
plus, laquelle évite le plus de besoins non satisfaits, et pour qui ? Vous comparez trois
stratégies sur votre propre simulation : le **statu quo** (ni l'un ni l'autre), les
**facilitateurs** et les **centres**. Les résultats décrivent le modèle, pas la Belgique.

**La mesure d'effet.** Faute de mieux aujourd'hui dans Passerelle, l'effet est compté en
**besoins-mois évités** : un besoin de soins resté sans réponse pendant un mois compte pour
un ; on additionne les cinq étapes de l'accès aux soins sur les 12 derniers mois, et on
soustrait la stratégie du statu quo. Cette mesure ne dit rien de la gravité du besoin, de
la santé gagnée (années de vie en bonne santé, QALY) ni du bien-être ; un besoin-mois d'une
personne sans abri et celui d'un cadre pèsent autant. La liste des mesures est
`donnees.mesures_effet` : quand le simulateur aura une mesure de santé, le TP pourra en
changer sans rien retaper.

Règles : ne modifiez pas les cellules verrouillées ; écrivez vos réponses à la place de
`# VOTRE CODE ICI` et `raise NotImplementedError()` ; **n'arrondissez pas**.
"""),
        read_only("matricule_consigne", """
## 1. Vos trois simulations

Remplacez les deux lignes de la cellule suivante par votre matricule, par exemple
`MATRICULE = "000123"`. Vos simulations portent sur une petite population (1 000
personnes simulées, chacune représentant plus d'un millier d'habitants) pendant 12 mois ;
leur **graine** est tirée de votre matricule. Les trois stratégies partagent la même
graine : toute différence entre elles vient de la stratégie, pas du hasard.
"""),
        matricule(NAME),
        given("donnees", """
import pandas as pd

import passerelle
from passerelle.course import mes_donnees
from passerelle.course.grading import verifier

donnees = mes_donnees("tp08-economie-equite", matricule=MATRICULE)
statu_quo = passerelle.run("baseline", **donnees.reglages)
facilitateurs = passerelle.run("facilitators", **donnees.reglages)
centres = passerelle.run("centres", **donnees.reglages)
SIMULATIONS = {"statu_quo": statu_quo, "facilitateurs": facilitateurs, "centres": centres}
print("coûts :", donnees.couts)
print("effet :", donnees.mesures_effet)
"""),
        read_only("lire", """
Chaque simulation donne, pour chaque mesure, un total sur les 12 derniers mois pour la
population réelle : `centres.last_year("cost_inami")` (EUR payés par l'INAMI),
`centres.last_year("unmet_pay")` (besoins-mois non satisfaits à l'étape « payer »). La
liste `donnees.couts` nomme les coûts de chaque payeur, dont `cost_programme` (salaires
des facilitateurs, budget des centres) ; `donnees.mesures_effet` nomme les cinq étapes.
"""),
        free(),
        read_only("q1_consigne", """
### Question 1 (2 points) — Ce que coûte chaque stratégie
Rangez dans `couts_annuels` une série pandas indexée par `statu_quo`, `facilitateurs`,
`centres` : pour chaque stratégie, la somme des coûts de **tous** les payeurs
(`donnees.couts`) sur les 12 derniers mois, en EUR.
"""),
        answer("q1", "\n".join([
            "couts_annuels = pd.Series({nom: sum(s.last_year(c) for c in donnees.couts)",
            "                           for nom, s in SIMULATIONS.items()})",
        ])),
        tests("q1", NAME, "couts_annuels", "couts_annuels", 2),
        read_only("q2_consigne", """
### Question 2 (2 points) — Les besoins-mois évités
Pour chaque intervention, rangez dans `besoins_mois_evites` (une série indexée par
`facilitateurs` et `centres`) les besoins-mois non satisfaits du statu quo **moins** ceux de
l'intervention, sur les 12 derniers mois (somme des `donnees.mesures_effet`).
"""),
        answer("q2", "\n".join([
            "non_satisfaits = pd.Series({nom: sum(s.last_year(m) for m in donnees.mesures_effet)",
            "                            for nom, s in SIMULATIONS.items()})",
            'interventions = non_satisfaits[["facilitateurs", "centres"]]',
            'besoins_mois_evites = non_satisfaits["statu_quo"] - interventions',
        ])),
        tests("q2", NAME, "besoins_mois_evites", "besoins_mois_evites", 2),
        read_only("q3_consigne", """
### Question 3 (2 points) — Le rapport différentiel coût-résultat des centres
Le RDCR des centres par rapport au statu quo est leur **surcoût** (coût des centres moins
coût du statu quo) divisé par les besoins-mois qu'ils évitent : des EUR par besoin-mois
évité. Rangez-le dans `rdcr_centres`. Que vaut la même chose pour les facilitateurs ?
Regardez `icer_table` (dans la cellule libre) pour voir quelles stratégies sont
**dominées** (plus chères et pas plus efficaces qu'une autre).
"""),
        answer("q3", "\n".join([
            'surcout_centres = couts_annuels["centres"] - couts_annuels["statu_quo"]',
            'rdcr_centres = surcout_centres / besoins_mois_evites["centres"]',
        ])),
        tests("q3", NAME, "rdcr_centres", "rdcr_centres", 2),
        given("tableau", """
from passerelle.evaluate import icer_table

strategies = pd.DataFrame({"name": list(SIMULATIONS),
                           "cost": couts_annuels.to_numpy(),
                           "effect": [0.0, *besoins_mois_evites.to_numpy()]})
icer_table(strategies)
"""),
        free(),
        read_only("q4_consigne", """
## 2. L'incertitude : la courbe d'acceptabilité

Un seul chiffre cache l'incertitude. La cellule suivante fabrique 1 000 **tirages** : pour
chacun, les 12 mois sont retirés au hasard avec remise (les mêmes mois pour les trois
stratégies), ce qui donne 1 000 valeurs possibles du surcoût annuel et des besoins-mois
évités de chaque stratégie. **Attention** : ces tirages ne montrent que le bruit de mois en
mois de vos simulations ; une vraie analyse de sensibilité probabiliste tirerait aussi les
paramètres du modèle (efficacité, prix), qui sont incertains.

### Question 4 (2 points) — La probabilité que les centres soient le meilleur choix
Pour chaque consentement à payer `donnees.consentements` (EUR par besoin-mois évité), la
fonction `acceptability_curve(couts, effets, donnees.consentements,
names=list(couts.columns))` donne la part des tirages où chaque stratégie a le meilleur
bénéfice net (consentement à payer × effet − coût). Rangez dans `acceptabilite_centres` la
colonne `"centres"` du résultat (une série indexée par les consentements à payer).
"""),
        given("tirages", """
from passerelle.evaluate import acceptability_curve

couts, effets = donnees.tirages(statu_quo, facilitateurs, centres)
couts.describe()
"""),
        answer("q4", "\n".join([
            "noms = list(couts.columns)",
            "courbe = acceptability_curve(couts, effets, donnees.consentements, names=noms)",
            'acceptabilite_centres = courbe["centres"]',
        ])),
        tests("q4", NAME, "acceptabilite_centres", "acceptabilite_centres", 1),
        given("courbe", """
import matplotlib.pyplot as plt

courbe.plot(marker="o")
plt.xlabel("consentement à payer (EUR par besoin-mois évité)")
plt.ylabel("probabilité d'être la meilleure stratégie")
plt.show()
"""),
        read_only("q5_consigne", """
## 3. L'équité : à qui profitent les centres ?

L'**indice de concentration** mesure si un résultat se concentre chez les plus pauvres
(indice négatif) ou chez les plus riches (positif), de −1 à 1. On classe la population par
quintile de revenu (1 = les 20 % aux revenus les plus bas).

### Question 5 (3 points) — L'indice de concentration des besoins-mois évités
Complétez le tableau `par_quintile` (une ligne par quintile) avec la colonne
`evites_par_personne` : les besoins-mois évités par les centres dans le quintile (statu quo
moins centres, 12 derniers mois, cinq étapes) divisés par la population du quintile. Puis
rangez dans `indice_concentration` le résultat de
`concentration_index(par_quintile, "evites_par_personne", "quintile", weight="population")`.
*Indice : `centres.by("unmet_pay", "quintile")` donne un tableau mois × quintiles ;
`.iloc[-12:].sum()` en fait le total des 12 derniers mois.*
"""),
        given("quintiles", """
from passerelle.evaluate import concentration_index

QUINTILES = ["Q1", "Q2", "Q3", "Q4", "Q5"]
par_quintile = pd.DataFrame({
    "quintile": [1, 2, 3, 4, 5],
    "population": statu_quo.by("population", "quintile")[QUINTILES].iloc[-1].to_numpy(),
})
"""),
        answer("q5", "\n".join([
            "def par_q(simulation):",
            "    return sum(simulation.by(m, \"quintile\")[QUINTILES].iloc[-12:].sum()",
            "               for m in donnees.mesures_effet).to_numpy()",
            "",
            "evites = par_q(statu_quo) - par_q(centres)",
            'par_quintile["evites_par_personne"] = evites / par_quintile["population"]',
            'mesure, rang, poids = "evites_par_personne", "quintile", "population"',
            "indice_concentration = concentration_index(par_quintile, mesure, rang, weight=poids)",
        ])),
        tests("q5", NAME, "indice_concentration", "indice_concentration", 3),
        read_only("m1_consigne", """
### Question 6 (3 points, corrigée par l'équipe) — Que recommander au financeur ?
En 8 à 12 lignes : que disent vos coûts, vos besoins-mois évités, le RDCR et la courbe
d'acceptabilité ? Les facilitateurs sont-ils dominés dans votre simulation, et est-ce la
preuve qu'ils ne servent à rien (pensez au nombre de facilitateurs simulés, à ce qu'ils
font et que la mesure ne voit pas : ouverture de droits, orientation) ? Quelles sont les
limites de la mesure d'effet (besoins-mois, pas de santé ni de gravité), des coûts (quels
payeurs, sur 12 mois seulement) et des tirages (bruit de simulation, pas incertitude des
paramètres) ?
"""),
        free(),
        written("m1", """
Éléments attendus : les centres évitent beaucoup de besoins-mois pour un surcoût modeste
(le RDCR, quelques dizaines d'EUR par besoin-mois évité, est à comparer à ce qu'un financeur
est prêt à payer ; la courbe montre à partir de quel montant les centres sont le meilleur
choix avec une forte probabilité). Les facilitateurs, douze pour la Région, coûtent leurs
salaires et évitent peu ou rien dans une petite simulation : ils sont dominés, mais ce que
mesure le TP (besoins-mois sur un an) ne voit ni les droits ouverts durablement, ni les
effets au-delà de 12 mois, ni les bénéfices de santé. Limites : une mesure sans gravité ni
QALY ; des coûts de tous les payeurs mais sur un an ; un surcoût qui dépend de la
perspective (le budget du centre est compensé en partie par d'autres soins) ; des tirages
qui ne montrent que le bruit d'une petite population, pas l'incertitude des paramètres.
""", 3),
        read_only("m2_consigne", """
### Question 7 (3 points, corrigée par l'équipe) — L'équité
En 6 à 10 lignes : votre indice de concentration est-il négatif, et que signifie-t-il pour
les personnes des premiers quintiles (personnes sans titre de séjour, hors ordre de
mutuelle, BIM) ? Pourquoi le pondérer par la population ? Une stratégie un peu moins
coût-efficace mais plus favorable aux plus pauvres pourrait-elle être préférée, et comment
le dire à un financeur (poids d'équité, analyse distributionnelle) ?
"""),
        written("m2", """
Éléments attendus : un indice négatif veut dire que les besoins-mois évités se concentrent
dans les quintiles aux revenus les plus bas, là où se trouvent les personnes sans titre de
séjour, sans mutuelle en ordre, qui n'ont que les centres comme porte d'entrée ; la
pondération par la population évite qu'un petit quintile compte autant qu'un grand. Un
financeur peut accepter un RDCR un peu plus élevé pour une stratégie qui réduit les
inégalités : poids d'équité, analyse coût-efficacité distributionnelle (Asaria et al.
2016), présenter les deux critères côte à côte plutôt qu'un seul chiffre.
""", 3),
    ])

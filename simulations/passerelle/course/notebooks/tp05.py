"""The notebook of tp05-centre (about 2 hours: 6 autograded questions, 2 written)."""

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

NAME = "tp05-centre"


def build():
    """The source notebook."""
    return notebook([
        read_only("intro", """
# TP 5 — Un centre de soins inconditionnels : qui vient, qui attend, qui paie ?

**Durée prévue : environ 2 heures.** 6 questions corrigées automatiquement (10 points) et
2 questions rédigées, corrigées par l'équipe (6 points).

**Objectifs d'apprentissage.** À la fin de ce TP, vous saurez :
1. décrire le public d'un centre à partir de son registre : combien de patients (et non de
   consultations), quelle couverture à l'entrée, d'où ils viennent ;
2. estimer la demande refusée faute de capacité, y compris celle que le registre ne voit
   pas, et la ramener à la population réelle ;
3. lire le budget d'un centre (coûts, honoraires, subsides) et le comparer au budget prévu
   de la première année ;
4. mesurer ce qui se passe quand les subsides s'arrêtent, et en discuter les conséquences.

**Contexte.** En octobre 2017, Médecins du Monde ouvre à Molenbeek-Saint-Jean un centre
de soins accessible à toute personne, sans papiers à montrer ni argent à avancer :
consultations de médecine générale, travail social (demandes d'Aide médicale urgente au
CPAS, remise en ordre de mutuelle, renvoi vers un médecin traitant) et soutien
psychologique. Un second centre ouvre à Cureghem (Anderlecht) au printemps 2023. Le
budget de la première année du centre de Molenbeek était de **954 500 EUR** : FEDER
101 970, INAMI (fonds de projets) 320 000, Intégration sociale 50 000, honoraires
170 000 ; le reste vient de dons. Les subsides du programme FEDER 2014-2020 s'arrêtent
fin 2020.

Le registre `centre_registre` est **entièrement synthétique** : chaque patient est une
personne simulée par Passerelle ; aucune personne réelle n'y figure. Les résultats
décrivent le modèle, pas les centres réels.

Règles : ne modifiez pas les cellules verrouillées ; écrivez vos réponses à la place de
`# VOTRE CODE ICI` et `raise NotImplementedError()` ; n'arrondissez pas.
"""),
        read_only("matricule_consigne", """
## 1. Vos données

Remplacez les deux lignes de la cellule suivante par votre matricule, par exemple
`MATRICULE = "000123"`. Vous recevez un échantillon des patients du registre, tiré à
partir de votre matricule : vos réponses ne sont pas celles de votre voisin.
"""),
        matricule(NAME),
        given("donnees", """
import passerelle
from passerelle.course import mes_donnees
from passerelle.course.grading import verifier

donnees = mes_donnees("tp05-centre", matricule=MATRICULE)
registre = donnees.registre
registre.head()
"""),
        read_only("lire", """
Chaque ligne du registre est un **événement** : une consultation (`type` vaut
`consultation`), une inscription sur la liste d'attente (`liste_attente` : la personne est
refusée faute de place et invitée à revenir le mois suivant), une demande d'AMU déposée
par les travailleurs sociaux (`demande_amu`) ou un renvoi vers un médecin traitant
(`renvoi_medecin_traitant`). Un patient est identifié par son pseudonyme (`patient`) ;
`centre` vaut `molenbeek`, `anderlecht` ou `addiction`. La fiche du registre
(`datasets/centre_registre.md`) décrit chaque colonne.

Essayez dans la cellule libre : `registre["type"].value_counts()`,
`registre.groupby("centre")["patient"].nunique()`.
"""),
        free(),
        read_only("q1_consigne", """
### Question 1 (2 points) — Combien de patients ?
Rangez dans `patients_molenbeek` le nombre de patients **différents** qui ont eu au moins
une consultation au centre de Molenbeek dans votre échantillon.
"""),
        answer("q1", "\n".join([
            'consultations = registre[(registre["type"] == "consultation")',
            '                         & (registre["centre"] == "molenbeek")]',
            'patients_molenbeek = consultations["patient"].nunique()',
        ])),
        tests("q1", NAME, "patients_molenbeek", "patients_molenbeek", 2),
        read_only("q2_consigne", """
### Question 2 (2 points) — Avec quelle couverture arrivent-ils ?
Gardez une ligne par patient de Molenbeek (sa première consultation :
`consultations.drop_duplicates("patient")`). Rangez dans `part_sans_papiers` la part de ces
patients qui étaient **sans titre de séjour** à leur arrivée (colonne `couverture_entree` :
`sans_papiers_amu` ou `sans_papiers_sans_amu`).
"""),
        answer("q2", "\n".join([
            'patients = consultations.drop_duplicates("patient")',
            'sans_papiers = ["sans_papiers_amu", "sans_papiers_sans_amu"]',
            'part_sans_papiers = patients["couverture_entree"].isin(sans_papiers).mean()',
        ])),
        tests("q2", NAME, "part_sans_papiers", "part_sans_papiers", 2),
        read_only("q3_consigne", """
### Question 3 (1 point) — D'où viennent-ils ?
Parmi les patients de Molenbeek dont la commune est connue (elle est vide pour les
personnes sans-abri), quelle part habite **hors** de Molenbeek-Saint-Jean ? Rangez-la dans
`part_hors_commune`.
"""),
        answer("q3", "\n".join([
            'connus = patients[patients["commune"].notna()]',
            'part_hors_commune = (connus["commune"] != "Molenbeek-Saint-Jean").mean()',
        ])),
        tests("q3", NAME, "part_hors_commune", "part_hors_commune", 1),
        given("q3_graphique", """
import matplotlib.pyplot as plt

patients["commune"].value_counts().head(8).plot.barh()
plt.xlabel("patients de votre échantillon")
plt.show()
"""),
        read_only("q4_consigne", """
### Question 4 (2 points) — La demande refusée
Quand le centre est plein, une partie seulement des personnes refusées est invitée à
revenir le mois suivant et inscrite sur la liste d'attente ; les autres repartent sans
laisser de trace. La part invitée à revenir est `donnees.part_invites`. Votre échantillon
contient une fraction `donnees.fraction` des patients réels des centres.

Estimez le nombre de refus (personnes refusées, comptées chaque mois où elles le sont)
au centre de Molenbeek en 2019, **pour la population réelle**, et rangez-le dans
`refus_estimes`. Indice : `registre["date"].dt.year == 2019`.
"""),
        answer("q4", "\n".join([
            'attente = registre[(registre["type"] == "liste_attente")',
            '                   & (registre["centre"] == "molenbeek")',
            '                   & (registre["date"].dt.year == 2019)]',
            'refus_estimes = len(attente) / donnees.fraction / donnees.part_invites',
        ])),
        tests("q4", NAME, "refus_estimes", "refus_estimes", 2),
        read_only("m1_consigne", """
### Question 5 (3 points, corrigée par l'équipe) — Ce que le registre montre et ne montre pas
En 6 à 10 lignes : qui vient au centre de Molenbeek, et d'où ? Pourquoi la part des
personnes sans papiers est-elle plus élevée quand on compte les consultations que quand
on compte les patients ? Qu'est-ce que le registre ne peut pas dire des besoins du
quartier (pensez aux personnes qui ne viennent pas et à celles qui sont refusées) ?
"""),
        free(),
        written("m1", """
Éléments attendus : une majorité de personnes sans titre de séjour (avec ou sans AMU) et de
personnes hors ordre de mutuelle, surtout de Molenbeek et des communes voisines (la
distance décourage) ; des sans-abri sans commune. Les patients sans papiers viennent plus
souvent (pas d'autre porte) : ils pèsent plus dans les consultations que dans les
patients. Le registre ne voit que ceux qui viennent : ni les besoins de ceux qui restent
chez eux, ni la moitié des refusés qui ne sont pas invités à revenir ; une hausse de la
demande se voit dans la liste d'attente, pas dans les consultations (capacité plafonnée).
Le registre ne permet donc pas d'estimer l'effet du centre sur la population.
""", 3),
        read_only("budget", """
## 2. Le budget du centre

Simulez la Région bruxelloise avec les trois centres de 2017 à 2021 (scénario `centres`,
une petite population : chaque personne simulée en représente environ 400). La fonction
`budget` lit, année par année, les coûts du centre (personnel, bâtiment), ses recettes
(honoraires facturés à l'INAMI, à l'État fédéral pour l'AMU et Fedasil, aux patients ;
subsides FEDER, INAMI, Intégration sociale ; dons) et son déficit (`funding_gap` : coûts
moins recettes), en euros.
"""),
        given("budget_run", """
from passerelle.apps.budget import budget

resultats = passerelle.run("centres", **donnees.reglages)
tableau = budget(resultats)
budget_molenbeek = tableau[tableau["centre"] == "molenbeek"].pivot_table(
    index=["kind", "line"], columns="year", values="eur")
budget_molenbeek.round()
"""),
        read_only("q6_consigne", """
### Question 6 (1 point) — Les honoraires de la première année
Le budget prévoyait 170 000 EUR d'honoraires. Rangez dans `honoraires_2018` les honoraires
que la simulation facture en 2018 : la somme des lignes `inami_fees`, `federal_fees` et
`patient_fees`. Lisez une case avec `budget_molenbeek.loc[("revenue", "inami_fees"), 2018]`.
"""),
        answer("q6", "\n".join([
            'lignes = [("revenue", "inami_fees"), ("revenue", "federal_fees"),',
            '          ("revenue", "patient_fees")]',
            'honoraires_2018 = budget_molenbeek.loc[lignes, 2018].sum()',
        ])),
        tests("q6", NAME, "honoraires_2018", "honoraires_2018", 1),
        read_only("q7_consigne", """
### Question 7 (2 points) — Quand les subsides s'arrêtent
Les subsides FEDER, INAMI et Intégration sociale courent jusqu'à fin 2020. Rangez dans
`hausse_deficit` le déficit (`("gap", "funding_gap")`) de 2021 **moins** celui de 2019.
"""),
        answer("q7", "\n".join([
            'deficit = budget_molenbeek.loc[("gap", "funding_gap")]',
            'hausse_deficit = deficit[2021] - deficit[2019]',
        ])),
        tests("q7", NAME, "hausse_deficit", "hausse_deficit", 2),
        free(),
        read_only("m2_consigne", """
### Question 8 (3 points, corrigée par l'équipe) — Après les subsides
En 6 à 10 lignes : pourquoi les honoraires simulés sont-ils loin des 170 000 EUR prévus
(pensez au public de la question 2 : qui paie la consultation d'une personne sans papiers
sans AMU ?) ? De combien le déficit augmente-t-il en 2021, et à quoi correspond cette
hausse ? Que proposeriez-vous à la commune et à la Région pour que le centre continue
(financement structurel, conventions INAMI, AMU, rôle des maisons médicales) ?
"""),
        written("m2", """
Éléments attendus : le centre ne facture que les consultations de patients assurés (INAMI)
et de patients avec AMU ou demandeurs d'asile (État fédéral) ; la majorité de son public
est sans papiers sans AMU : personne ne paie, d'où des honoraires bien inférieurs au
budget prévu (qui supposait un public plus souvent couvert). En 2021 le déficit augmente à
peu près du montant des subsides perdus (FEDER, INAMI projet, Intégration sociale), au
bruit des honoraires près. Pistes : un financement structurel (Région, COCOM), l'ouverture
des droits (AMU, mutuelle) par les travailleurs sociaux, qui fait rentrer des honoraires,
le renvoi vers des maisons médicales au forfait ; un centre inconditionnel ne peut pas
vivre de ses honoraires.
""", 3),
    ])

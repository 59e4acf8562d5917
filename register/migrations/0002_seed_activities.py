"""The four processing activities SocialCRM carries out, as the register starts.

Drawn from PRODUCT.md, RULES.md and the source article ("comment identifier le
Social Selling dans le registre des traitements ?"). The controller's address
is the company's to complete; the DPO edits every line from /register/.
"""

from django.conf import settings
from django.db import migrations

CONTROLLER = "{company} — privacy@socialcrm.local"
DPO_CONTACT = "Data protection officer / Délégué à la protection des données — privacy@socialcrm.local"

SECURITY_EN = (
    "Personal values encrypted at rest (AES-256-GCM, rotated keys), keyed-hash indexes for "
    "lookups; access by role (rep: own records, manager: team, DPO: all, HR: no prospect data); "
    "tamper-evident audit trail of every change and every DPO read; tokens revoked at departure."
)
SECURITY_FR = (
    "Valeurs personnelles chiffrées au repos (AES-256-GCM, clés renouvelées), index par hachage "
    "à clé pour les recherches ; accès selon le rôle (commercial : ses fiches, manager : son "
    "équipe, DPO : tout, RH : aucune donnée de prospect) ; journal d’audit inviolable de chaque "
    "modification et de chaque lecture par le DPO ; jetons révoqués au départ."
)
NO_TRANSFER_EN = "None outside the EU/EEA: the CRM is hosted in the EU and sends data to no network."
NO_TRANSFER_FR = (
    "Aucun hors de l’UE/EEE : le CRM est hébergé dans l’UE et n’envoie aucune donnée aux réseaux."
)

ACTIVITIES = [
    {
        "slug": "social-selling",
        "name_en": "Social selling prospecting",
        "name_fr": "Prospection par social selling",
        "purposes_en": (
            "Finding and contacting business prospects through employees' personal social network "
            "accounts (LinkedIn, X, Facebook, Instagram); recording each prospect's provenance, "
            "consents and objections; checking every outreach before it is sent."
        ),
        "purposes_fr": (
            "Identifier et contacter des prospects via les comptes personnels des collaborateurs "
            "sur les réseaux sociaux (LinkedIn, X, Facebook, Instagram) ; tracer la provenance, "
            "les consentements et les oppositions de chaque prospect ; contrôler chaque "
            "sollicitation avant son envoi."
        ),
        "lawful_basis_en": (
            "Legitimate interest (art. 6(1)(f)) for professionals contacted about their "
            "profession; consent (art. 6(1)(a), CPCE L34-5) for consumers by electronic means."
        ),
        "lawful_basis_fr": (
            "Intérêt légitime (art. 6.1.f) pour les professionnels sollicités sur leur métier ; "
            "consentement (art. 6.1.a, CPCE L34-5) pour les particuliers par voie électronique."
        ),
        "data_subjects_en": "Business prospects and consumers met on social networks.",
        "data_subjects_fr": "Prospects professionnels et particuliers rencontrés sur les réseaux sociaux.",
        "data_categories_en": (
            "Identity, company and job title, professional e-mail, phone and profile URL, "
            "source network and account, consents and objections, messages sent and replies."
        ),
        "data_categories_fr": (
            "Identité, entreprise et fonction, e-mail, téléphone et URL de profil professionnels, "
            "réseau et compte d’origine, consentements et oppositions, messages envoyés et réponses."
        ),
        "recipients_en": (
            "The sales rep who found the prospect and their manager; the DPO. "
            "No data is sold or passed on."
        ),
        "recipients_fr": (
            "Le commercial qui a trouvé le prospect et son manager ; le DPO. "
            "Aucune donnée n’est vendue ni cédée."
        ),
        "transfers_en": NO_TRANSFER_EN,
        "transfers_fr": NO_TRANSFER_FR,
        "retention_en": (
            "3 years after the prospect's last contact with us, then purged; outreach records "
            "kept 5 years as evidence; objections kept as keyed hashes for as long as they apply."
        ),
        "retention_fr": (
            "3 ans après le dernier contact venant du prospect, puis purge ; sollicitations "
            "conservées 5 ans à titre de preuve ; oppositions conservées sous forme de hachage à "
            "clé tant qu’elles s’appliquent."
        ),
    },
    {
        "slug": "dsar-handling",
        "name_en": "Handling data-subject requests",
        "name_fr": "Traitement des demandes d’exercice de droits",
        "purposes_en": (
            "Receiving, verifying and answering requests for access, rectification, erasure, "
            "objection, portability and restriction, including requests received by an employee "
            "on a personal account, within the legal deadline."
        ),
        "purposes_fr": (
            "Recevoir, vérifier et traiter les demandes d’accès, de rectification, d’effacement, "
            "d’opposition, de portabilité et de limitation, y compris celles reçues par un "
            "collaborateur sur son compte personnel, dans le délai légal."
        ),
        "lawful_basis_en": "Legal obligation (art. 6(1)(c); GDPR arts. 12 to 22).",
        "lawful_basis_fr": "Obligation légale (art. 6.1.c ; articles 12 à 22 du RGPD).",
        "data_subjects_en": "People who exercise their rights (prospects or not).",
        "data_subjects_fr": "Personnes exerçant leurs droits (prospects ou non).",
        "data_categories_en": (
            "Identity and identifiers given in the request, proof of identity check, "
            "the request, its answer and its dates."
        ),
        "data_categories_fr": (
            "Identité et identifiants fournis dans la demande, preuve de vérification "
            "d’identité, la demande, sa réponse et ses dates."
        ),
        "recipients_en": "The DPO; employees who must remove the person from their accounts.",
        "recipients_fr": "Le DPO ; les collaborateurs devant retirer la personne de leurs comptes.",
        "transfers_en": NO_TRANSFER_EN,
        "transfers_fr": NO_TRANSFER_FR,
        "retention_en": (
            "The request's accountability record: 5 years after it is closed; access exports: "
            "30 days; a suppression hash after an erasure or objection."
        ),
        "retention_fr": (
            "Trace de la demande : 5 ans après sa clôture ; exports d’accès : 30 jours ; "
            "un hachage de suppression après un effacement ou une opposition."
        ),
    },
    {
        "slug": "charters-training",
        "name_en": "Charter and training tracking",
        "name_fr": "Suivi des chartes et des formations",
        "purposes_en": (
            "Recording which employees acknowledged the current social selling, information "
            "systems, disconnection and GDPR charters, and their social selling training, so that "
            "only trained employees prospect."
        ),
        "purposes_fr": (
            "Enregistrer les acceptations par les collaborateurs des chartes en vigueur (social "
            "selling, systèmes d’information, déconnexion, RGPD) et leurs formations au social "
            "selling, afin que seuls des collaborateurs formés prospectent."
        ),
        "lawful_basis_en": (
            "Legitimate interest of the employer (art. 6(1)(f)) in proving its employees' "
            "compliance; the charters are adopted after consulting staff representatives."
        ),
        "lawful_basis_fr": (
            "Intérêt légitime de l’employeur (art. 6.1.f) à prouver la conformité de ses "
            "collaborateurs ; chartes adoptées après consultation des représentants du personnel."
        ),
        "data_subjects_en": "Employees who prospect, and their managers.",
        "data_subjects_fr": "Collaborateurs qui prospectent et leurs managers.",
        "data_categories_en": (
            "Identity, role, charter versions acknowledged with date and channel, "
            "training dates and validity."
        ),
        "data_categories_fr": (
            "Identité, rôle, versions de charte acceptées avec date et canal, "
            "dates et validité des formations."
        ),
        "recipients_en": "HR, the employee's manager, the DPO.",
        "recipients_fr": "Les RH, le manager du collaborateur, le DPO.",
        "transfers_en": NO_TRANSFER_EN,
        "transfers_fr": NO_TRANSFER_FR,
        "retention_en": "The duration of employment, then 5 years (limitation period).",
        "retention_fr": "La durée du contrat de travail, puis 5 ans (prescription).",
    },
    {
        "slug": "offboarding-transfers",
        "name_en": "Offboarding transfers",
        "name_fr": "Transferts au départ d’un collaborateur",
        "purposes_en": (
            "When a sales rep leaves: freezing their outreach, transferring the prospects gathered "
            "for the company to a successor, returning and purging the rep's own pre-hire "
            "contacts, and collecting the rep's attestation that company prospects were removed "
            "from their personal accounts."
        ),
        "purposes_fr": (
            "Au départ d’un commercial : geler ses sollicitations, transférer à un successeur les "
            "prospects recueillis pour l’entreprise, restituer puis purger les contacts antérieurs "
            "à son embauche, et recueillir son attestation de retrait des prospects de "
            "l’entreprise de ses comptes personnels."
        ),
        "lawful_basis_en": (
            "Legitimate interest of the employer (art. 6(1)(f)) in keeping its business data and "
            "returning the employee's own."
        ),
        "lawful_basis_fr": (
            "Intérêt légitime de l’employeur (art. 6.1.f) à conserver ses données commerciales "
            "et à restituer celles du collaborateur."
        ),
        "data_subjects_en": "Departing employees, their successors, and the prospects concerned.",
        "data_subjects_fr": "Collaborateurs sortants, leurs successeurs et les prospects concernés.",
        "data_categories_en": (
            "Identity and dates of employment, inventory of prospects by provenance, "
            "attestation and the final report."
        ),
        "data_categories_fr": (
            "Identité et dates d’emploi, inventaire des prospects par provenance, "
            "attestation et rapport final."
        ),
        "recipients_en": "HR, the successor, the departing employee (their export), the DPO.",
        "recipients_fr": "Les RH, le successeur, le collaborateur sortant (son export), le DPO.",
        "transfers_en": NO_TRANSFER_EN,
        "transfers_fr": NO_TRANSFER_FR,
        "retention_en": (
            "Pre-hire contacts not contributed: purged from the CRM at departure, after their "
            "export; the offboarding report and attestation: 5 years after departure."
        ),
        "retention_fr": (
            "Contacts antérieurs non apportés : purgés du CRM au départ, après leur export ; "
            "rapport de départ et attestation : 5 ans après le départ."
        ),
    },
]


def create_activities(apps, schema_editor):
    activity_model = apps.get_model("register", "ProcessingActivity")
    controller = CONTROLLER.format(company=settings.COMPANY_NAME)
    for values in ACTIVITIES:
        slug = values["slug"]
        defaults = {
            **{key: value for key, value in values.items() if key != "slug"},
            "controller": controller,
            "dpo_contact": DPO_CONTACT,
            "security_measures_en": SECURITY_EN,
            "security_measures_fr": SECURITY_FR,
        }
        activity_model.objects.get_or_create(slug=slug, defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunPython(create_activities, migrations.RunPython.noop)]

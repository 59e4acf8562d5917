"""The four charters, version 1 each, drawn from the source article's recommendations.

All four are required for prospecting (RULES 13, 2026.12; migration 0004 sets the
same on databases seeded before). The staff representatives' consultation date is left empty: each company records
its own before relying on the charter (C. trav. L1321-4, L2312-8).
"""

import datetime

from django.db import migrations

EFFECTIVE = datetime.date(2024, 1, 1)

CHARTERS = [
    {
        "kind": "social_selling",
        "required": True,
        "title_en": "Social selling charter",
        "title_fr": "Charte du social selling",
        "text_en": (
            "1. Your social network accounts are personal and stay yours. The company never asks "
            "for your passwords, never posts in your name and never asks to join your personal "
            "network.\n"
            "2. Only contacts you approach for the company's business go into the CRM, when you "
            "first exchange with them about it. Friends, family and purely personal contacts "
            "never do.\n"
            "3. You act yourself: no bots, scripts, extensions or tools that automate invitations, "
            "messages or profile visits. The networks forbid them and so do we.\n"
            "4. Respect each network's limits and its terms of use; do not send repeated "
            "invitations to someone who has not answered.\n"
            "5. When you leave, contacts recorded for the company stay with the company; your "
            "account and your personal network stay yours."
        ),
        "text_fr": (
            "1. Vos comptes sur les réseaux sociaux sont personnels et le restent. L'entreprise ne "
            "demande jamais vos mots de passe, ne publie jamais en votre nom et ne demande jamais "
            "à rejoindre votre réseau personnel.\n"
            "2. Seuls les contacts que vous approchez pour l'activité de l'entreprise entrent dans "
            "le CRM, dès votre premier échange à ce sujet. Les amis, la famille et les relations "
            "purement personnelles n'y entrent jamais.\n"
            "3. Vous agissez vous-même : aucun robot, script, extension ou outil qui automatise "
            "les invitations, les messages ou les visites de profil. Les réseaux l'interdisent, "
            "nous aussi.\n"
            "4. Respectez les limites et les conditions d'utilisation de chaque réseau ; "
            "n'envoyez pas d'invitations répétées à une personne qui n'a pas répondu.\n"
            "5. À votre départ, les contacts enregistrés pour l'entreprise restent à l'entreprise ; "
            "votre compte et votre réseau personnel restent les vôtres."
        ),
    },
    {
        "kind": "information_systems",
        "required": True,
        "title_en": "Information systems charter",
        "title_fr": "Charte des systèmes d'information",
        "text_en": (
            "1. The CRM is the only place where prospect data is kept; do not copy it to personal "
            "files, spreadsheets or messaging apps.\n"
            "2. Use your personal social accounts for work only through the practices of the "
            "social selling charter; the company does not monitor their content.\n"
            "3. Keep your CRM login to yourself and lock your session when you step away.\n"
            "4. Report at once any lost device, suspicious access or data sent to the wrong person."
        ),
        "text_fr": (
            "1. Le CRM est le seul endroit où les données des prospects sont conservées ; ne les "
            "copiez pas dans des fichiers personnels, des tableurs ou des messageries.\n"
            "2. N'utilisez vos comptes sociaux personnels pour le travail que selon les pratiques "
            "de la charte du social selling ; l'entreprise ne surveille pas leur contenu.\n"
            "3. Gardez votre identifiant CRM pour vous et verrouillez votre session quand vous "
            "vous absentez.\n"
            "4. Signalez sans délai toute perte d'appareil, tout accès suspect ou toute donnée "
            "envoyée à la mauvaise personne."
        ),
    },
    {
        "kind": "disconnection",
        "required": True,
        "title_en": "Right to disconnect charter",
        "title_fr": "Charte du droit à la déconnexion",
        "text_en": (
            "1. Nobody expects you to prospect, read or answer messages outside your working "
            "hours, on rest days or on leave.\n"
            "2. The CRM flags any outreach outside your working hours; it can wait until the next "
            "working day.\n"
            "3. Managers do not send requests outside working hours that call for an immediate "
            "answer, and never hold a late answer against anyone.\n"
            "4. Social networks do not switch off: turning off work notifications in the evening "
            "is encouraged."
        ),
        "text_fr": (
            "1. Personne n'attend de vous que vous prospectiez, lisiez ou répondiez à des messages "
            "en dehors de vos heures de travail, pendant vos repos ou vos congés.\n"
            "2. Le CRM signale toute prospection hors de vos heures de travail ; elle peut "
            "attendre le jour ouvré suivant.\n"
            "3. Les managers n'envoient pas, hors des heures de travail, de demandes appelant une "
            "réponse immédiate, et ne reprochent jamais une réponse tardive.\n"
            "4. Les réseaux sociaux ne s'éteignent pas : couper les notifications professionnelles "
            "le soir est encouragé."
        ),
    },
    {
        "kind": "gdpr_code_of_conduct",
        "required": True,
        "title_en": "GDPR code of conduct for prospecting",
        "title_fr": "Code de conduite RGPD pour la prospection",
        "text_en": (
            "1. Record in the CRM only what the business needs: name, company, role and how you "
            "met the person; never sensitive data.\n"
            "2. Your first message tells the person who we are, why we contact them, where their "
            "details come from and that they may object; the CRM appends this notice.\n"
            "3. An objection, an unsubscribe or a \"no\" is honoured at once and for good: record "
            "it and stop all contact on every channel it covers.\n"
            "4. Consumers are contacted electronically only after their prior consent; a like, a "
            "follow or an accepted invitation is not consent.\n"
            "5. Say only what is true: no misleading promises, no comparison with a named "
            "competitor and no disparaging remarks, no pressure to decide.\n"
            "6. Forward any request to access, correct or erase data to the data protection "
            "officer the same day."
        ),
        "text_fr": (
            "1. N'enregistrez dans le CRM que ce dont l'activité a besoin : nom, entreprise, "
            "fonction et circonstances de la rencontre ; jamais de données sensibles.\n"
            "2. Votre premier message indique à la personne qui nous sommes, pourquoi nous la "
            "contactons, d'où viennent ses coordonnées et qu'elle peut s'y opposer ; le CRM "
            "ajoute cette mention.\n"
            "3. Une opposition, une désinscription ou un « non » est respecté immédiatement et "
            "définitivement : enregistrez-le et cessez tout contact sur chaque canal concerné.\n"
            "4. Un particulier n'est démarché par voie électronique qu'avec son consentement "
            "préalable ; un « j'aime », un abonnement ou une invitation acceptée ne valent pas "
            "consentement.\n"
            "5. Ne dites que ce qui est exact : aucune promesse trompeuse, aucune comparaison avec "
            "un concurrent nommé ni propos dénigrant, aucune pression pour décider.\n"
            "6. Transmettez le jour même au délégué à la protection des données toute demande "
            "d'accès, de rectification ou d'effacement."
        ),
    },
]


def create_charters(apps, schema_editor):
    Charter = apps.get_model("charters", "Charter")
    CharterVersion = apps.get_model("charters", "CharterVersion")
    for spec in CHARTERS:
        charter, _ = Charter.objects.get_or_create(kind=spec["kind"])
        CharterVersion.objects.get_or_create(
            charter=charter,
            version=1,
            defaults={
                "title_en": spec["title_en"],
                "title_fr": spec["title_fr"],
                "text_en": spec["text_en"],
                "text_fr": spec["text_fr"],
                "effective_date": EFFECTIVE,
                "required_for_prospecting": spec["required"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("charters", "0001_initial")]

    operations = [migrations.RunPython(create_charters, migrations.RunPython.noop)]

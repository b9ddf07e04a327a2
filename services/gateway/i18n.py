"""What employees and candidates read: Dutch by default, English on request (a cookie)."""

from collections.abc import Callable

LANGS = ("nl", "en")
DEFAULT = "nl"

TEXT: dict[str, dict[str, str]] = {
    "app": {"nl": "Allegro Talent", "en": "Allegro Talent"},
    "skip": {"nl": "Naar de inhoud", "en": "Skip to content"},
    "login": {"nl": "Inloggen", "en": "Sign in"},
    "logout": {"nl": "Uitloggen", "en": "Sign out"},
    "username": {"nl": "Gebruikersnaam", "en": "Username"},
    "password": {"nl": "Wachtwoord", "en": "Password"},
    "login_wrong": {
        "nl": "Onjuiste gebruikersnaam of wachtwoord.",
        "en": "Wrong username or password.",
    },
    "login_wait": {
        "nl": "Te veel mislukte pogingen: probeer het over {seconds} seconden opnieuw.",
        "en": "Too many failed attempts: please try again in {seconds} seconds.",
    },
    "csrf": {
        "nl": "Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.",
        "en": "The form has expired. Reload the page and try again.",
    },
    "nav_candidates": {"nl": "Kandidaten", "en": "Candidates"},
    "nav_intake": {"nl": "Inschrijvingen", "en": "Registrations"},
    "nav_crm": {"nl": "Relaties", "en": "Relations"},
    "nav_requests": {"nl": "Privacyverzoeken", "en": "Privacy requests"},
    "nav_breaches": {"nl": "Datalekken", "en": "Data breaches"},
    "nav_audit": {"nl": "Audittrail", "en": "Audit trail"},
    "nav_operations": {"nl": "Beheer", "en": "Operations"},
    "nav_users": {"nl": "Gebruikers", "en": "Users"},
    "not_available": {
        "nl": "Dit onderdeel is (nog) niet beschikbaar: de dienst gaf geen antwoord.",
        "en": "This part is not available (yet): the service did not answer.",
    },
    "service_said": {"nl": "De dienst meldt", "en": "The service says"},
    "saved": {"nl": "Opgeslagen.", "en": "Saved."},
    "search": {"nl": "Zoeken", "en": "Search"},
    "search_title": {"nl": "Kandidaten zoeken", "en": "Find candidates"},
    "search_terms": {"nl": "Zoektermen", "en": "Search terms"},
    "function": {"nl": "Functie", "en": "Function"},
    "region": {"nl": "Regio", "en": "Region"},
    "available_by": {"nl": "Beschikbaar uiterlijk", "en": "Available by"},
    "results": {"nl": "resultaten", "en": "results"},
    "no_results": {"nl": "Geen kandidaten gevonden.", "en": "No candidates found."},
    "previous": {"nl": "Vorige", "en": "Previous"},
    "next": {"nl": "Volgende", "en": "Next"},
    "page": {"nl": "Pagina", "en": "Page"},
    "name": {"nl": "Naam", "en": "Name"},
    "status": {"nl": "Status", "en": "Status"},
    "open": {"nl": "Openen", "en": "Open"},
    "profile": {"nl": "Kandidaatprofiel", "en": "Candidate profile"},
    "notes": {"nl": "Gespreksnotities", "en": "Conversation notes"},
    "add_note": {"nl": "Notitie toevoegen", "en": "Add note"},
    "note": {"nl": "Notitie", "en": "Note"},
    "no_notes": {"nl": "Nog geen notities.", "en": "No notes yet."},
    "documents": {"nl": "Documenten", "en": "Documents"},
    "no_documents": {"nl": "Geen documenten.", "en": "No documents."},
    "download_link": {"nl": "Downloadlink maken", "en": "Make download link"},
    "link_ready": {
        "nl": "Downloadlink (kort geldig):",
        "en": "Download link (valid for a short time):",
    },
    "checks": {"nl": "Controles plaatsingsprocedure", "en": "Placement procedure checks"},
    "assignment": {"nl": "Opdracht", "en": "Assignment"},
    "work_situation": {"nl": "Huidige werksituatie", "en": "Current work situation"},
    "available_from": {"nl": "Beschikbaar vanaf", "en": "Available from"},
    "hours_per_week": {"nl": "Uren per week", "en": "Hours per week"},
    "interested": {
        "nl": "Geïnteresseerd in de vacature",
        "en": "Interested in the vacancy",
    },
    "consent": {
        "nl": "Toestemming om voorgesteld te worden aan de opdrachtgever",
        "en": "Consent to be proposed to the client",
    },
    "record_checks": {"nl": "Controles vastleggen", "en": "Record checks"},
    "propose": {"nl": "Voorstellen aan opdrachtgever", "en": "Propose to client"},
    "proposal_done": {"nl": "Voorgesteld.", "en": "Proposed."},
    "intake_title": {"nl": "Inschrijvingen ter beoordeling", "en": "Registrations to review"},
    "queue_empty": {"nl": "Niets te beoordelen.", "en": "Nothing to review."},
    "accept": {"nl": "Accepteren", "en": "Accept"},
    "reject": {"nl": "Afwijzen", "en": "Reject"},
    "reason": {"nl": "Reden", "en": "Reason"},
    "crm_title": {"nl": "Zakelijke relaties", "en": "Business relations"},
    "organisations": {"nl": "Organisaties", "en": "Organisations"},
    "kind": {"nl": "Soort", "en": "Kind"},
    "add_organisation": {"nl": "Organisatie toevoegen", "en": "Add organisation"},
    "contacts": {"nl": "Contactpersonen", "en": "Contacts"},
    "contact_moments": {"nl": "Contactmomenten", "en": "Contact moments"},
    "channel": {"nl": "Kanaal", "en": "Channel"},
    "channel_phone": {"nl": "Telefoon", "en": "Phone"},
    "channel_email": {"nl": "E-mail", "en": "Email"},
    "channel_meeting": {"nl": "Afspraak", "en": "Meeting"},
    "channel_video": {"nl": "Videogesprek", "en": "Video call"},
    "channel_letter": {"nl": "Brief", "en": "Letter"},
    "channel_other": {"nl": "Anders", "en": "Other"},
    "assignments": {"nl": "Opdrachten", "en": "Assignments"},
    "statistics": {"nl": "Plaatsingsstatistieken", "en": "Placement statistics"},
    "placements": {"nl": "Plaatsingen", "en": "Placements"},
    "fill_rate": {"nl": "Vervullingsgraad", "en": "Fill rate"},
    "requests_title": {"nl": "Privacyverzoeken", "en": "Privacy requests"},
    "new_request": {"nl": "Nieuw verzoek", "en": "New request"},
    "type": {"nl": "Soort", "en": "Type"},
    "type_access": {"nl": "Inzage", "en": "Access"},
    "type_rectification": {"nl": "Correctie", "en": "Rectification"},
    "type_erasure": {"nl": "Vergeet mij", "en": "Forget me"},
    "type_unsubscribe": {"nl": "Uitschrijven", "en": "Unsubscribe"},
    "subject_by": {"nl": "Betrokkene", "en": "Data subject"},
    "candidate_id": {"nl": "Kandidaat-id", "en": "Candidate id"},
    "contact_id": {"nl": "Contactpersoon-id", "en": "Contact id"},
    "email": {"nl": "E-mailadres", "en": "Email address"},
    "file_request": {"nl": "Verzoek vastleggen", "en": "File request"},
    "officer_corrections": {
        "nl": "Bij een correctie: welk gegeven klopt niet, en wat is juist?",
        "en": "For a rectification: which detail is wrong, and what is right?",
    },
    "fix_needed": {
        "nl": "Een correctie heeft ten minste één gegeven met de juiste waarde nodig.",
        "en": "A rectification needs at least one detail with its correct value.",
    },
    "received_at": {"nl": "Ontvangen op", "en": "Received at"},
    "completed_at": {"nl": "Afgerond op", "en": "Completed at"},
    "subject_kind": {"nl": "Soort betrokkene", "en": "Kind of data subject"},
    "subject_kind_candidate": {"nl": "Kandidaat", "en": "Candidate"},
    "subject_kind_contact": {"nl": "Zakelijk contact", "en": "Business contact"},
    "subject_kind_email": {"nl": "Alleen e-mailadres", "en": "Email address only"},
    "request_channel": {"nl": "Ingediend via", "en": "Filed through"},
    "request_channel_officer": {"nl": "Privacy officer", "en": "Privacy officer"},
    "request_channel_self_service": {"nl": "Privacypagina (zelf)", "en": "Privacy page (self)"},
    "request_channel_retention": {"nl": "Bewaartermijn", "en": "Retention"},
    "extended_days": {"nl": "Verlengd met (dagen)", "en": "Extended by (days)"},
    "linked_requests": {"nl": "Gekoppelde verzoeken", "en": "Linked requests"},
    "changed": {"nl": "Gewijzigd", "en": "Changed"},
    "not_changed": {"nl": "Niet gewijzigd", "en": "Not changed"},
    "result": {"nl": "Resultaat", "en": "Result"},
    "status_identity_unverified": {"nl": "Identiteit niet bevestigd", "en": "Identity unverified"},
    "status_received": {"nl": "Ontvangen", "en": "Received"},
    "status_in_progress": {"nl": "In behandeling", "en": "In progress"},
    "status_complete": {"nl": "Afgerond", "en": "Complete"},
    "status_error": {"nl": "Fout", "en": "Error"},
    "status_cancelled": {"nl": "Geannuleerd", "en": "Cancelled"},
    "status_pending": {"nl": "Wacht op antwoord", "en": "Waiting for an answer"},
    "status_done": {"nl": "Klaar", "en": "Done"},
    "due": {"nl": "Uiterste datum", "en": "Due"},
    "days_left": {"nl": "Werkdagen over", "en": "Working days left"},
    "request": {"nl": "Privacyverzoek", "en": "Privacy request"},
    "progress": {"nl": "Voortgang per dienst", "en": "Progress per service"},
    "service": {"nl": "Dienst", "en": "Service"},
    "done_at": {"nl": "Afgerond", "en": "Done"},
    "deleted": {"nl": "Verwijderd", "en": "Deleted"},
    "certificate": {"nl": "Verwijderingscertificaat", "en": "Erasure certificate"},
    "export": {"nl": "Export", "en": "Export"},
    "scan": {"nl": "Controlescan", "en": "Verification scan"},
    "refresh": {"nl": "Vernieuwen", "en": "Refresh"},
    "scan_queued": {"nl": "In de wachtrij", "en": "Queued"},
    "scan_running": {"nl": "Bezig", "en": "Running"},
    "scan_done": {"nl": "Klaar", "en": "Done"},
    "scan_failed": {"nl": "Mislukt", "en": "Failed"},
    "scan_interrupted": {"nl": "Onderbroken", "en": "Interrupted"},
    "scan_phase": {"nl": "Onderdeel", "en": "Searching"},
    "scan_error": {"nl": "Reden", "en": "Reason"},
    "scan_polling": {
        "nl": "De scan loopt; deze pagina ververst zich vanzelf.",
        "en": "The scan is running; this page refreshes itself.",
    },
    "scan_again": {
        "nl": "De privacydienst stopte tijdens de scan. Vul de gegevens opnieuw in en"
        " start de scan opnieuw.",
        "en": "The privacy service stopped during the scan. Enter the details again and"
        " start it again.",
    },
    "breaches_title": {"nl": "Datalekregister", "en": "Data breach register"},
    "new_breach": {"nl": "Datalek melden", "en": "Report a breach"},
    "description": {"nl": "Omschrijving", "en": "Description"},
    "detected_at": {"nl": "Ontdekt op", "en": "Discovered at"},
    "hours_left": {"nl": "Uren tot meldplicht", "en": "Hours to notify"},
    "occurred_at": {"nl": "Gebeurd op", "en": "Occurred at"},
    "categories": {"nl": "Soorten gegevens (komma's ertussen)", "en": "Data categories (commas)"},
    "people_affected": {"nl": "Aantal betrokkenen", "en": "People affected"},
    "measures": {"nl": "Genomen maatregelen", "en": "Measures taken"},
    "notify_by": {"nl": "Melden bij AP vóór", "en": "Notify the DPA by"},
    "new_password": {"nl": "Nieuw wachtwoord", "en": "New password"},
    "set_password": {"nl": "Instellen", "en": "Set"},
    "breach_follow_up": {"nl": "Afhandeling", "en": "Follow-up"},
    "breach_reported": {"nl": "Gemeld bij de AP", "en": "Reported to the DPA"},
    "breach_notified": {"nl": "Betrokkenen geïnformeerd", "en": "People informed"},
    "breach_closed": {"nl": "Afgesloten", "en": "Closed"},
    "breach_step": {"nl": "Stap van nu", "en": "Step taken now"},
    "breach_save": {"nl": "Vastleggen", "en": "Record"},
    "share": {
        "nl": "Wat de kandidaat met de opdrachtgever wil delen",
        "en": "What the candidate agrees to share with the client",
    },
    "operations_title": {"nl": "Beheer", "en": "Operations"},
    "health": {"nl": "Gezondheid per dienst", "en": "Health per service"},
    "lag": {"nl": "Achterstand per consumentengroep", "en": "Consumer lag per group"},
    "group": {"nl": "Groep", "en": "Group"},
    "topic": {"nl": "Topic", "en": "Topic"},
    "dead_letters": {"nl": "Dead letters", "en": "Dead letters"},
    "messages": {"nl": "Berichten", "en": "Messages"},
    "replay": {"nl": "Opnieuw aanbieden", "en": "Replay"},
    "replayed": {"nl": "Opnieuw aangeboden op", "en": "Replayed onto"},
    "latest_letters": {"nl": "Laatste dead letters", "en": "Latest dead letters"},
    "health_ok": {"nl": "in orde", "en": "ok"},
    "health_unhealthy": {"nl": "niet in orde", "en": "unhealthy"},
    "health_unreachable": {"nl": "onbereikbaar", "en": "unreachable"},
    "health_unknown": {"nl": "onbekend", "en": "unknown"},
    "outbox": {"nl": "wachtrij", "en": "outbox"},
    "behind": {"nl": "Achterstand (berichten)", "en": "Behind (messages)"},
    "event": {"nl": "Gebeurtenis", "en": "Event"},
    "role_recruiter": {"nl": "recruiter", "en": "recruiter"},
    "role_privacy_officer": {"nl": "privacy officer", "en": "privacy officer"},
    "role_admin": {"nl": "beheerder", "en": "administrator"},
    "alerts_title": {"nl": "Openstaande meldingen", "en": "Open alerts"},
    "no_alerts": {"nl": "Geen openstaande meldingen.", "en": "No open alerts."},
    "alert_what": {"nl": "Melding", "en": "Alert"},
    "alert_for": {"nl": "Voor", "en": "For"},
    "alert_open": {"nl": "Nieuw", "en": "New"},
    "alert_acknowledged": {"nl": "In behandeling", "en": "Being handled"},
    "alert_acknowledge": {"nl": "Oppakken", "en": "Acknowledge"},
    "alert_close": {"nl": "Afgehandeld", "en": "Close"},
    "alert_gone": {
        "nl": "Deze melding is er niet (meer), of is niet voor jouw rol.",
        "en": "This alert does not exist (any more), or is not for your role.",
    },
    "alert_other": {"nl": "Melding van het platform ({kind})", "en": "Platform alert ({kind})"},
    "alert_request.due_soon": {
        "nl": "Verzoek ({type}) nadert de termijn: nog {days_left} werkdagen",
        "en": "Request ({type}) nears its deadline: {days_left} working days left",
    },
    "alert_request.overdue": {
        "nl": "Verzoek ({type}) is over de termijn van 10 werkdagen",
        "en": "Request ({type}) is past its deadline of 10 working days",
    },
    "alert_request.stalled": {
        "nl": "Verzoek loopt vast: geen antwoord van {services}; probeer het opnieuw",
        "en": "Request is stuck: no answer from {services}; retry it",
    },
    "alert_request.former_address": {
        "nl": "Vergeet-mij-verzoek op een eerder e-mailadres van iemand: beslis zelf",
        "en": "Forget-me request at someone's former email address: decide yourself",
    },
    "alert_breach.recorded": {
        "nl": "Datalek vastgelegd: melden bij de AP vóór {notify_ap_by}",
        "en": "Data breach recorded: notify the DPA by {notify_ap_by}",
    },
    "alert_breach.due_soon": {
        "nl": "Datalek nog niet gemeld: minder dan 24 uur tot {notify_ap_by}",
        "en": "Data breach not yet reported: less than 24 hours until {notify_ap_by}",
    },
    "alert_breach.overdue": {
        "nl": "Datalek niet binnen 72 uur gemeld bij de AP (uiterlijk {notify_ap_by})",
        "en": "Data breach not reported to the DPA within 72 hours (by {notify_ap_by})",
    },
    "alert_service.silent": {
        "nl": "Dienst {service} geeft al {value} seconden geen teken van leven",
        "en": "Service {service} has been silent for {value} seconds",
    },
    "alert_outbox.backlog": {
        "nl": "Dienst {service} krijgt zijn berichten niet weg ({value} in de outbox)",
        "en": "Service {service} is not draining its outbox ({value} waiting)",
    },
    "alert_consumer.lag": {
        "nl": "Dienst {service} loopt {value} berichten achter",
        "en": "Service {service} is {value} messages behind",
    },
    "alert_deadletters.growing": {
        "nl": "Dienst {service} zette {value} berichten op een dead-letter-topic",
        "en": "Service {service} dead-lettered {value} messages",
    },
    "audit_title": {"nl": "Audittrail", "en": "Audit trail"},
    "subject_id": {"nl": "Betrokkene-id", "en": "Subject id"},
    "user": {"nl": "Gebruiker", "en": "User"},
    "when": {"nl": "Wanneer", "en": "When"},
    "action": {"nl": "Actie", "en": "Action"},
    "resource": {"nl": "Bron", "en": "Resource"},
    "role": {"nl": "Rol", "en": "Role"},
    "users_title": {"nl": "Gebruikers", "en": "Users"},
    "add_user": {"nl": "Gebruiker toevoegen", "en": "Add user"},
    "register_title": {"nl": "Inschrijven als kandidaat", "en": "Register as a candidate"},
    "register_intro": {
        "nl": "Schrijf je in bij Allegro Talent. We controleren je inschrijving aan de hand "
        "van onze inschrijvingscriteria. Voldoet je inschrijving niet, dan laten we je dat "
        "weten en vernietigen we je gegevens.",
        "en": "Register with Allegro Talent. We check your registration against our "
        "registration criteria. If it does not meet them, we let you know and destroy "
        "your data.",
    },
    "first_name": {"nl": "Voornaam", "en": "First name"},
    "last_name": {"nl": "Achternaam", "en": "Last name"},
    "phone": {"nl": "Telefoonnummer", "en": "Phone number"},
    "street": {"nl": "Straat en huisnummer", "en": "Street and number"},
    "postcode": {"nl": "Postcode", "en": "Postcode"},
    "city": {"nl": "Plaats", "en": "City"},
    "birth_date": {"nl": "Geboortedatum", "en": "Date of birth"},
    "birth_place": {"nl": "Geboorteplaats", "en": "Place of birth"},
    "gender": {"nl": "Geslacht", "en": "Gender"},
    "female": {"nl": "Vrouw", "en": "Female"},
    "male": {"nl": "Man", "en": "Male"},
    "other": {"nl": "Anders", "en": "Other"},
    "non_binary": {"nl": "Non-binair", "en": "Non-binary"},
    "unspecified": {"nl": "Zeg ik liever niet", "en": "Rather not say"},
    "end_plain": {"nl": "Einde", "en": "End"},
    "functions_sought": {"nl": "Gezochte functies", "en": "Functions sought"},
    "fn_personal_assistant": {"nl": "Personal assistant", "en": "Personal assistant"},
    "fn_office_manager": {"nl": "Office manager", "en": "Office manager"},
    "fn_executive_secretary": {"nl": "Directiesecretaresse", "en": "Executive secretary"},
    "fn_management_assistant": {"nl": "Management assistant", "en": "Management assistant"},
    "fn_management_support": {"nl": "Managementondersteuner", "en": "Management support"},
    "education": {"nl": "Opleiding (hoogste)", "en": "Education (highest)"},
    "level": {"nl": "Niveau", "en": "Level"},
    "institution": {"nl": "Instelling", "en": "Institution"},
    "programme": {"nl": "Opleiding", "en": "Programme"},
    "completed": {"nl": "Afgerond", "en": "Completed"},
    "experience": {"nl": "Huidige of laatste werkervaring", "en": "Current or last job"},
    "employer": {"nl": "Werkgever", "en": "Employer"},
    "job_role": {"nl": "Functie", "en": "Role"},
    "start": {"nl": "Begin", "en": "Start"},
    "end": {"nl": "Einde (leeg = huidig)", "en": "End (empty = current)"},
    "regions": {"nl": "Regio's (komma's ertussen)", "en": "Regions (comma separated)"},
    "languages": {"nl": "Talen (bv. nl, en, de)", "en": "Languages (e.g. nl, en, de)"},
    "work_permit": {
        "nl": "Ik mag in Nederland werken",
        "en": "I am allowed to work in the Netherlands",
    },
    "cv": {"nl": "CV (PDF of Word)", "en": "CV (PDF or Word)"},
    "photo": {"nl": "Pasfoto (vrijwillig)", "en": "Passport photo (voluntary)"},
    "consent_statement": {
        "nl": "Ik heb de privacyverklaring gelezen en ga akkoord met de verwerking van mijn "
        "gegevens voor bemiddeling.",
        "en": "I have read the privacy statement and agree to the processing of my data "
        "for mediation.",
    },
    "privacy_link": {"nl": "Privacyverklaring", "en": "Privacy statement"},
    "send": {"nl": "Versturen", "en": "Send"},
    "fix_errors": {
        "nl": "Je inschrijving is niet verstuurd. Verbeter de gemarkeerde velden.",
        "en": "Your registration was not sent. Please correct the marked fields.",
    },
    "registered": {
        "nl": "Bedankt voor je inschrijving. We controleren die nu en laten het je weten.",
        "en": "Thank you for registering. We are checking it now and will let you know.",
    },
    # Said to everyone alike: whether this address was known to us is told only in its mailbox.
    "registered_check_mail": {
        "nl": "Kijk ook in je mailbox: is je e-mailadres al bij ons bekend, dan vragen we je daar"
        " eerst te bevestigen dat de inschrijving van jou is.",
        "en": "Please also check your mailbox: if we already know your email address, we first"
        " ask you there to confirm that the registration is yours.",
    },
    "reference": {"nl": "Kenmerk", "en": "Reference"},
    "privacy_title": {"nl": "Privacy", "en": "Privacy"},
    "self_service": {"nl": "Je rechten", "en": "Your rights"},
    "self_service_intro": {
        "nl": "Vraag inzage in je gegevens, laat ze wijzigen of verwijderen (vergeet mij), of "
        "schrijf je uit. We sturen een bevestigingsmail naar het adres dat bij ons bekend is; "
        "binnen 10 werkdagen hoor je hoe we je verzoek hebben afgehandeld.",
        "en": "Ask to see your data, to have it changed or deleted (forget me), or "
        "unsubscribe. We send a confirmation email to the address we know; within 10 working "
        "days you hear how we handled your request.",
    },
    "request_sent": {
        "nl": "Je verzoek is ontvangen. Kijk in je mailbox voor de bevestiging.",
        "en": "Your request has been received. Check your mailbox for the confirmation.",
    },
    "changes": {"nl": "Wat moet er gewijzigd worden?", "en": "What should be changed?"},
    "corrections": {
        "nl": "Alleen bij een correctie: welk gegeven klopt niet, en wat is juist?",
        "en": "For a correction only: which detail is wrong, and what is right?",
    },
    "fix_field": {"nl": "Gegeven", "en": "Detail"},
    "fix_value": {"nl": "Juiste waarde", "en": "Correct value"},
    "fix_none": {"nl": "(kies een gegeven)", "en": "(choose a detail)"},
    "fix_description": {
        "nl": "Of beschrijf in je eigen woorden wat er niet klopt",
        "en": "Or describe in your own words what is wrong",
    },
    "fix_first_name": {"nl": "Voornaam", "en": "First name"},
    "fix_last_name": {"nl": "Achternaam", "en": "Last name"},
    "fix_email": {"nl": "E-mailadres", "en": "Email address"},
    "fix_phone": {"nl": "Telefoonnummer", "en": "Phone number"},
    "fix_address.street": {"nl": "Straat", "en": "Street"},
    "fix_address.house_number": {"nl": "Huisnummer", "en": "House number"},
    "fix_address.postcode": {"nl": "Postcode", "en": "Postcode"},
    "fix_address.city": {"nl": "Woonplaats", "en": "City"},
    "fix_address.country": {"nl": "Land", "en": "Country"},
    "fix_birth_date": {"nl": "Geboortedatum (jjjj-mm-dd)", "en": "Date of birth (yyyy-mm-dd)"},
    "fix_birth_place": {"nl": "Geboorteplaats", "en": "Place of birth"},
    "fix_gender": {"nl": "Geslacht", "en": "Gender"},
    "fix_name": {"nl": "Naam (zakelijk contact)", "en": "Name (business contact)"},
    "fix_function": {"nl": "Functie (zakelijk contact)", "en": "Job title (business contact)"},
    "export_gone": {
        "nl": "Deze downloadlink werkt niet (meer). Vraag zo nodig opnieuw inzage aan.",
        "en": "This download link does not work (any more). Ask for access again if needed.",
    },
    "statement_nl_only": {
        "nl": "",
        "en": "The privacy statement is published in Dutch.",
    },
    "renew_title": {"nl": "Ingeschreven blijven?", "en": "Stay registered?"},
    "renew_intro": {
        "nl": "We hebben al lange tijd geen contact met je gehad. We bewaren je gegevens alleen "
        "zolang je door ons bemiddeld wilt worden. Lees de privacyverklaring hieronder en kies.",
        "en": "We have not been in touch for a long time. We keep your data only as long as you "
        "want us to mediate for you. Read the privacy statement below and choose.",
    },
    "renew_valid_until": {"nl": "Deze link werkt tot", "en": "This link works until"},
    "renew_agree": {
        "nl": "Ik wil ingeschreven blijven en ga akkoord met de privacyverklaring, versie",
        "en": "I want to stay registered and agree to the privacy statement, version",
    },
    "renew_button": {"nl": "Ingeschreven blijven", "en": "Stay registered"},
    "forget_title": {"nl": "Liever vergeten worden?", "en": "Rather be forgotten?"},
    "forget_intro": {
        "nl": "Dan verwijderen we al je gegevens en benaderen we je niet meer. Dit kan niet "
        "ongedaan worden gemaakt.",
        "en": "Then we delete all your data and will not approach you again. This cannot be "
        "undone.",
    },
    "forget_button": {"nl": "Verwijder mijn gegevens", "en": "Delete my data"},
    "renewed": {
        "nl": "Dank je wel! Je blijft ingeschreven en we bewaren je gegevens.",
        "en": "Thank you! You stay registered and we keep your data.",
    },
    "forget_received": {
        "nl": "Je verzoek is ontvangen: we verwijderen al je gegevens en benaderen je niet meer.",
        "en": "Your request has been received: we delete all your data and will not approach "
        "you again.",
    },
    "link_404": {"nl": "Deze link kennen we niet.", "en": "We do not know this link."},
    "confirm_title": {"nl": "Inschrijving bevestigen", "en": "Confirm your registration"},
    "confirm_intro": {
        "nl": "Er is een inschrijving gedaan met jouw e-mailadres, dat al bij ons bekend is. Is "
        "deze inschrijving van jou? Pas na je bevestiging verwerken we haar; daarna kunnen je "
        "gegevens bij ons worden bijgewerkt.",
        "en": "Someone registered with your email address, which we already know. Is this "
        "registration yours? Only once you confirm do we process it; your details with us may "
        "then be updated.",
    },
    "confirm_button": {"nl": "Ja, deze inschrijving is van mij", "en": "Yes, this is mine"},
    "confirm_name": {"nl": "Naam", "en": "Name"},
    "confirm_phone": {"nl": "Telefoon", "en": "Phone"},
    "confirm_city": {"nl": "Woonplaats", "en": "Place of residence"},
    "confirm_received": {"nl": "Ontvangen", "en": "Received"},
    "confirm_not_mine": {
        "nl": "Niet van jou? Doe dan niets: zonder bevestiging vernietigen we de inschrijving.",
        "en": "Not yours? Then do nothing: unconfirmed, the registration is destroyed.",
    },
    "confirmed": {
        "nl": "Dank je wel! Je inschrijving is bevestigd en wordt verwerkt.",
        "en": "Thank you! Your registration is confirmed and being processed.",
    },
    "confirm_gone": {
        "nl": "Deze link werkt niet (meer): hij is al gebruikt of verlopen. Schrijf je zo nodig "
        "opnieuw in.",
        "en": "This link does not work (any more): it was used or has expired. Register again "
        "if needed.",
    },
    "link_409": {
        "nl": "Deze link is al gebruikt. Elke link werkt maar één keer.",
        "en": "This link has been used already. Each link works once only.",
    },
    "link_410": {
        "nl": "Deze link is verlopen of werkt niet meer.",
        "en": "This link has expired or no longer works.",
    },
    "statement_changed": {
        "nl": "De privacyverklaring is intussen gewijzigd. Lees de nieuwe versie en kies opnieuw.",
        "en": "The privacy statement has changed meanwhile. Read the new version and choose again.",
    },
    "nav_retention": {"nl": "Bewaartermijn", "en": "Retention"},
    "retention_title": {
        "nl": "Bewaartermijn: toestemming opnieuw gevraagd",
        "en": "Retention: consent renewal requested",
    },
    "retention_policy": {
        "nl": "Kandidaten zonder activiteit gedurende {inactive} dagen krijgen een e-mail om hun "
        "toestemming te vernieuwen; zonder antwoord binnen {grace} dagen wordt het profiel "
        "verwijderd (een vergeet-mij-verzoek met verklaring van verwijdering).",
        "en": "Candidates without activity for {inactive} days get an email to renew their "
        "consent; without an answer within {grace} days the profile is erased (a forget-me "
        "request with an erasure certificate).",
    },
    "awaiting_sweep": {"nl": "Nog te vragen", "en": "Still to be asked"},
    "last_activity": {"nl": "Laatste activiteit", "en": "Last activity"},
    "asked_at": {"nl": "Gevraagd op", "en": "Asked on"},
    "mailed": {"nl": "Gemaild", "en": "Mailed"},
    "reminded": {"nl": "Herinnerd", "en": "Reminded"},
    "erasure_on": {"nl": "Verwijderd op", "en": "Erased on"},
    "no_pending": {"nl": "Niemand wacht op vernieuwing.", "en": "Nobody is pending renewal."},
    "problem": {"nl": "Er ging iets mis", "en": "Something went wrong"},
    "forbidden": {"nl": "Geen toegang", "en": "No access"},
    "back": {"nl": "Terug", "en": "Back"},
    "language": {"nl": "English", "en": "Nederlands"},
    # admin (issue 16)
    "role_operator": {"nl": "beheerder (opdrachtregel)", "en": "operator (command line)"},
    "user_since": {"nl": "Sinds", "en": "Since"},
    "user_actions": {"nl": "Wijzigen", "en": "Change"},
    "user_me": {"nl": "jij", "en": "you"},
    "user_active": {"nl": "Actief", "en": "Active"},
    "user_disabled": {"nl": "Uitgeschakeld", "en": "Disabled"},
    "change_role": {"nl": "Rol wijzigen", "en": "Change role"},
    "disable_user": {"nl": "Uitschakelen", "en": "Disable"},
    "enable_user": {"nl": "Inschakelen", "en": "Enable"},
    "users_done_created": {"nl": "Gebruiker aangemaakt.", "en": "User created."},
    "users_done_disabled": {
        "nl": "Gebruiker uitgeschakeld: inloggen kan niet meer en open sessies zijn beëindigd.",
        "en": "User disabled: they can no longer sign in and their open sessions have ended.",
    },
    "users_done_enabled": {
        "nl": "Gebruiker ingeschakeld: inloggen kan weer.",
        "en": "User enabled: they can sign in again.",
    },
    "users_done_role": {
        "nl": "Rol gewijzigd; de nieuwe rol geldt vanaf de volgende keer inloggen.",
        "en": "Role changed; the new role holds from the next sign-in.",
    },
    "users_done_password": {
        "nl": "Wachtwoord ingesteld; open sessies van deze gebruiker zijn beëindigd.",
        "en": "Password set; this user's open sessions have ended.",
    },
    "user_err_password_short": {
        "nl": "Het wachtwoord moet minstens {min} tekens hebben.",
        "en": "The password needs at least {min} characters.",
    },
    "user_err_password_long": {
        "nl": "Het wachtwoord mag hoogstens {max} tekens hebben.",
        "en": "The password may have at most {max} characters.",
    },
    "user_err_password_repetitive": {
        "nl": "Het wachtwoord is te eentonig: gebruik meer verschillende tekens.",
        "en": "The password is too repetitive: use more different characters.",
    },
    "user_err_password_same": {
        "nl": "Het nieuwe wachtwoord moet anders zijn dan het huidige.",
        "en": "The new password must differ from the current one.",
    },
    "user_err_passwords_differ": {
        "nl": "De twee nieuwe wachtwoorden zijn niet gelijk.",
        "en": "The two new passwords differ.",
    },
    "user_err_current_wrong": {
        "nl": "Het huidige wachtwoord klopt niet.",
        "en": "The current password is wrong.",
    },
    "user_err_username": {
        "nl": "Gebruik 2 tot 63 kleine letters, cijfers, '.', '_' of '-'.",
        "en": "Use 2-63 lower-case letters, digits, '.', '_' or '-'.",
    },
    "user_err_username_taken": {
        "nl": "Er bestaat al een gebruiker met deze naam.",
        "en": "A user with this name exists already.",
    },
    "user_err_role": {"nl": "Kies een bestaande rol.", "en": "Choose an existing role."},
    "user_err_no_user": {
        "nl": "Er is geen gebruiker met deze naam.",
        "en": "There is no user with this name.",
    },
    "user_err_self": {
        "nl": "Je kunt jezelf niet uitschakelen en je eigen rol niet wijzigen.",
        "en": "You cannot disable yourself or change your own role.",
    },
    "user_err_last_admin": {
        "nl": "Dit is de laatste actieve beheerder: die blijft beheerder en blijft ingeschakeld.",
        "en": "This is the last active administrator: they stay an administrator and enabled.",
    },
    "nav_password": {"nl": "Wachtwoord", "en": "Password"},
    "change_own_password": {"nl": "Eigen wachtwoord wijzigen", "en": "Change your password"},
    "current_password": {"nl": "Huidig wachtwoord", "en": "Current password"},
    "new_password_again": {"nl": "Nieuw wachtwoord (nogmaals)", "en": "New password (again)"},
    "password_rules": {
        "nl": "Minstens {min} tekens, niet te eentonig. Na het wijzigen worden je andere "
        "sessies (op andere apparaten of tabbladen) beëindigd.",
        "en": "At least {min} characters, not too repetitive. After the change your other "
        "sessions (on other devices or tabs) end.",
    },
    "password_changed": {
        "nl": "Je wachtwoord is gewijzigd. Je andere sessies zijn beëindigd.",
        "en": "Your password has been changed. Your other sessions have ended.",
    },
    "audit_from": {"nl": "Vanaf (datum)", "en": "From (date)"},
    "audit_until": {"nl": "Tot en met (datum)", "en": "Up to and including (date)"},
    "audit_bad_date": {
        "nl": "Vul een geldige datum in (jjjj-mm-dd); 'vanaf' ligt niet na 'tot en met'.",
        "en": "Enter a valid date (yyyy-mm-dd); 'from' is not after 'up to'.",
    },
    "audit_bad_filter": {
        "nl": "Een betrokkene-id of gebruiker bestaat uit letters, cijfers en . _ : @ -",
        "en": "A subject id or user consists of letters, digits and . _ : @ -",
    },
    "audit_export": {"nl": "Exporteren als CSV", "en": "Export as CSV"},
    "audit_none": {"nl": "Geen regels gevonden.", "en": "No entries found."},
    "audit_rows": {"nl": "Regels {first}–{last}", "en": "Entries {first}–{last}"},
    "user_id": {"nl": "Gebruiker-id", "en": "User id"},
}


def translator(lang: str) -> Callable[[str], str]:
    lang = lang if lang in LANGS else DEFAULT

    def t(key: str) -> str:
        entry = TEXT.get(key)
        return entry[lang] if entry else key

    return t

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
    # officer (issue 16)
    "history": {"nl": "Geschiedenis", "en": "History"},
    "history_who": {"nl": "Door", "en": "By"},
    "request_steps": {"nl": "Stappen", "en": "Steps"},
    "retry": {"nl": "Opnieuw proberen", "en": "Retry"},
    "retry_hint": {
        "nl": "Een dienst gaf geen antwoord. Opnieuw proberen stuurt de opdracht nog eens naar "
        "de diensten die nog niet antwoordden.",
        "en": "A service did not answer. Retrying sends the command again to the services that "
        "have not answered yet.",
    },
    "extend": {"nl": "Termijn verlengen", "en": "Extend the deadline"},
    "extend_hint": {
        "nl": "Bij een ingewikkeld verzoek mag de termijn met ten hoogste twee maanden (40 "
        "werkdagen) worden verlengd (art. 12 lid 3 AVG). De persoon krijgt de nieuwe datum en de "
        "reden per e-mail.",
        "en": "For a complex request the deadline may be extended by at most two months (40 "
        "working days; GDPR art. 12(3)). The person is mailed the new date and the reason.",
    },
    "extend_days": {"nl": "Extra werkdagen", "en": "Extra working days"},
    "extend_days_invalid": {
        "nl": "Geef een aantal werkdagen van 1 tot en met {max}.",
        "en": "Give a number of working days from 1 to {max}.",
    },
    "reason_needed": {
        "nl": "Geef een reden (minstens 3 tekens).",
        "en": "Give a reason (at least 3 characters).",
    },
    "cancel_request": {"nl": "Verzoek annuleren", "en": "Cancel the request"},
    "request_closed": {
        "nl": "Dit verzoek is afgesloten; er zijn geen stappen meer.",
        "en": "This request is closed; no further steps.",
    },
    "request_action_409": {
        "nl": "Dat kan niet in deze stand van het verzoek (of de verlenging gaat boven de twee "
        "maanden). Laad de pagina opnieuw.",
        "en": "Not possible in the request's current state (or the extension would exceed two "
        "months). Reload the page.",
    },
    "request_action_422": {
        "nl": "De privacydienst weigerde de invoer. Controleer de velden.",
        "en": "The privacy service refused the input. Check the fields.",
    },
    "not_found": {"nl": "Niet gevonden.", "en": "Not found."},
    "reply_to": {"nl": "E-mailadres voor het antwoord", "en": "Email address for the answer"},
    "reply_to_hint": {
        "nl": "De persoon krijgt hier de uitkomst (en een eventuele verlenging). Leeg: het "
        "e-mailadres hierboven, als u dat gaf.",
        "en": "The person gets the outcome (and any extension) here. Empty: the email address "
        "above, if you gave one.",
    },
    "filter": {"nl": "Filteren", "en": "Filter"},
    "filter_all": {"nl": "Alle", "en": "All"},
    "filter_due_overdue": {"nl": "Verlopen", "en": "Overdue"},
    "filter_due_today": {"nl": "Vandaag of verlopen", "en": "Today or overdue"},
    "filter_due_3": {"nl": "Binnen 3 werkdagen", "en": "Within 3 working days"},
    "filter_due_5": {"nl": "Binnen 5 werkdagen", "en": "Within 5 working days"},
    "no_requests": {"nl": "Geen verzoeken gevonden.", "en": "No requests found."},
    "pages": {"nl": "Pagina's", "en": "Pages"},
    "page_prev": {"nl": "Vorige", "en": "Previous"},
    "page_next": {"nl": "Volgende", "en": "Next"},
    "actor_system": {"nl": "Systeem", "en": "System"},
    "actor_person": {"nl": "De persoon zelf", "en": "The person"},
    "actor_retention": {"nl": "Bewaartermijn", "en": "Retention"},
    "note_extended": {
        "nl": "Termijn verlengd met {days} werkdagen: {reason}",
        "en": "Deadline extended by {days} working days: {reason}",
    },
    "note_cancelled": {"nl": "Geannuleerd: {reason}", "en": "Cancelled: {reason}"},
    "note_retried": {"nl": "Opnieuw geprobeerd", "en": "Retried"},
    "note_completion_mailed": {
        "nl": "Uitkomst aan de persoon gemaild",
        "en": "Outcome mailed to the person",
    },
    "note_completion_not_mailed": {
        "nl": "Uitkomst kon niet worden gemaild",
        "en": "The outcome could not be mailed",
    },
    "note_extension_mailed": {
        "nl": "Verlenging aan de persoon gemaild",
        "en": "Extension mailed to the person",
    },
    "note_extension_not_mailed": {
        "nl": "Verlenging kon niet worden gemaild: laat het de persoon zelf weten",
        "en": "The extension could not be mailed: tell the person yourself",
    },
    "note_extension_no_address": {
        "nl": "Verlenging niet gemaild (geen adres bekend): laat het de persoon zelf weten",
        "en": "Extension not mailed (no address held): tell the person yourself",
    },
    "note_export_link_mailed": {
        "nl": "Downloadlink gebruikt (gemailde link)",
        "en": "Download link used (mailed link)",
    },
    "note_export_link": {"nl": "Downloadlink aangemaakt", "en": "Download link issued"},
    "note_linked_repeat": {
        "nl": "Herhaald verzoek gekoppeld ({channel})",
        "en": "Repeated request linked ({channel})",
    },
    "note_linked_to": {"nl": "Gekoppeld aan {id}", "en": "Linked to {id}"},
    "note_no_answer": {"nl": "Geen antwoord van {services}", "en": "No answer from {services}"},
    "note_erased_meanwhile": {
        "nl": "De persoon is intussen verwijderd",
        "en": "The person was erased meanwhile",
    },
    "note_never_verified": {"nl": "Nooit bevestigd", "en": "Never verified"},
    "note_code_expired": {"nl": "Code verlopen", "en": "Code expired"},
    "note_wrong_codes": {"nl": "Te vaak een verkeerde code", "en": "Too many wrong codes"},
    "note_identity_verified": {"nl": "Identiteit bevestigd", "en": "Identity verified"},
    "note_new_address_code": {
        "nl": "Adres bevestigd; code naar het nieuwe adres gestuurd",
        "en": "Address verified; code sent to the new address",
    },
    "note_former_address": {
        "nl": "Een vroeger adres: de privacy officer beslist",
        "en": "A former address: for the officer to decide",
    },
    "note_found_former": {
        "nl": "Gevonden via een vroeger adres",
        "en": "Found by a former address",
    },
    "note_nobody": {"nl": "Geen persoonsgegevens bewaard", "en": "No personal data held"},
    "note_phone_for_staff": {
        "nl": "Telefoonnummer: een medewerker bevestigt het eerst",
        "en": "Phone correction left for an employee to confirm",
    },
    "note_retention_lapsed": {
        "nl": "Bewaartermijn: toestemming niet vernieuwd binnen de termijn",
        "en": "Retention: consent not renewed within the grace period",
    },
    "note_retention_forget": {
        "nl": "Bewaartermijn: de kandidaat vroeg via de vernieuwingslink om verwijdering",
        "en": "Retention: the candidate asked to be forgotten from the renewal link",
    },
    "nav_complaints": {"nl": "Klachten", "en": "Complaints"},
    "complaints_title": {"nl": "Klachtenregister", "en": "Complaints register"},
    "new_complaint": {"nl": "Klacht vastleggen", "en": "Record a complaint"},
    "complaint_received_on": {"nl": "Ontvangen op", "en": "Received on"},
    "complaint_summary": {"nl": "Waar gaat de klacht over", "en": "What the complaint is about"},
    "complaint_summary_hint": {
        "nl": "Beschrijf de klacht zonder namen of contactgegevens.",
        "en": "Describe the complaint without names or contact details.",
    },
    "complaint_outcome": {"nl": "Uitkomst", "en": "Outcome"},
    "complaint_open": {"nl": "Open", "en": "Open"},
    "complaint_closed": {"nl": "Afgehandeld", "en": "Closed"},
    "complaint_close": {"nl": "Afhandelen", "en": "Close"},
    "no_complaints": {"nl": "Geen klachten gevonden.", "en": "No complaints found."},
    "complaint_date_invalid": {
        "nl": "Geef de datum waarop de klacht binnenkwam.",
        "en": "Give the date the complaint came in.",
    },
    "complaint_date_future": {
        "nl": "De datum van ontvangst ligt in de toekomst.",
        "en": "The date received lies in the future.",
    },
    "complaint_summary_needed": {
        "nl": "Beschrijf de klacht (minstens 3 tekens).",
        "en": "Describe the complaint (at least 3 characters).",
    },
    "complaint_outcome_needed": {
        "nl": "Geef de uitkomst (minstens 3 tekens).",
        "en": "Give the outcome (at least 3 characters).",
    },
    "complaint_closed_already": {
        "nl": "Deze klacht is al afgehandeld.",
        "en": "This complaint is closed already.",
    },
    "nav_registers": {"nl": "Registers", "en": "Registers"},
    "registers_title": {
        "nl": "Registers van verwerkingen en verwerkers",
        "en": "Records of processing and processors",
    },
    "registers_intro": {
        "nl": "Het register van verwerkingsactiviteiten en van verwerkers (art. 30 AVG). Houd ze "
        "actueel; de Autoriteit Persoonsgegevens kan ze opvragen.",
        "en": "The records of processing activities and of processors (GDPR art. 30). Keep "
        "them current; the Dutch DPA may ask for them.",
    },
    "register_activities": {"nl": "Verwerkingsactiviteiten", "en": "Processing activities"},
    "register_processors": {"nl": "Verwerkers", "en": "Processors"},
    "register_new_activities": {"nl": "Nieuwe verwerkingsactiviteit", "en": "New activity"},
    "register_new_processors": {"nl": "Nieuwe verwerker", "en": "New processor"},
    "register_file_activities": {
        "nl": "verwerkingsactiviteiten",
        "en": "processing-activities",
    },
    "register_file_processors": {"nl": "verwerkers", "en": "processors"},
    "register_name": {"nl": "Naam", "en": "Name"},
    "register_service": {"nl": "Dienst voor ons", "en": "Service to us"},
    "register_data_categories": {"nl": "Soorten gegevens", "en": "Categories of data"},
    "register_agreement_date": {
        "nl": "Verwerkersovereenkomst sinds",
        "en": "Processing agreement since",
    },
    "register_purposes": {"nl": "Doelen", "en": "Purposes"},
    "register_data_subjects": {"nl": "Betrokkenen", "en": "Data subjects"},
    "register_one_a_line": {"nl": "één per regel", "en": "one a line"},
    "register_add": {"nl": "Toevoegen", "en": "Add"},
    "register_save": {"nl": "Wijziging opslaan", "en": "Save the change"},
    "register_edit": {"nl": "Wijzigen", "en": "Edit"},
    "register_csv": {"nl": "Download als CSV", "en": "Download as CSV"},
    "register_field_needed": {"nl": "Vul in: {field}.", "en": "Fill in: {field}."},
    "register_field_too_long": {
        "nl": "{field} is te lang (hoogstens 500 tekens).",
        "en": "{field} is too long (at most 500 characters).",
    },
    "register_item_too_long": {
        "nl": "Elke regel heeft hoogstens 300 tekens.",
        "en": "Each line has at most 300 characters.",
    },
    "register_date_invalid": {
        "nl": "Geef de datum van de verwerkersovereenkomst.",
        "en": "Give the date of the processing agreement.",
    },
    "register_name_taken": {
        "nl": "Er is al een verwerkingsactiviteit met deze naam.",
        "en": "An activity with this name exists already.",
    },
    "nav_statements": {"nl": "Privacyverklaring", "en": "Privacy statement"},
    "statements_title": {
        "nl": "Versies van de privacyverklaring",
        "en": "Privacy statement versions",
    },
    "statement_versions": {"nl": "Eerdere versies", "en": "Earlier versions"},
    "statement_version": {"nl": "Versie", "en": "Version"},
    "statement_published_on": {"nl": "Geldig vanaf", "en": "In force from"},
    "statement_title": {"nl": "Titel", "en": "Title"},
    "statement_in_force": {"nl": "Geldt nu", "en": "In force"},
    "statement_scheduled": {"nl": "Gepland", "en": "Scheduled"},
    "statement_publish": {"nl": "Nieuwe versie publiceren", "en": "Publish a new version"},
    "statement_publish_hint": {
        "nl": "Plak de tekst of kies een tekstbestand (.txt, UTF-8). Een versie verandert nooit "
        "meer; eerdere versies blijven te lezen. Vanaf de geldigheidsdatum toont de "
        "privacypagina deze versie en geven nieuwe inschrijvingen toestemming voor deze versie.",
        "en": "Paste the text or choose a text file (.txt, UTF-8). A version never changes; "
        "earlier versions stay readable. From its date the privacy page shows this version and "
        "new registrations consent to it.",
    },
    "statement_text": {"nl": "Tekst", "en": "Text"},
    "statement_file": {"nl": "Of een tekstbestand", "en": "Or a text file"},
    "statement_version_invalid": {
        "nl": "Geef de versie als jaar-maand (2026-12) of jaar-maand-dag.",
        "en": "Give the version as year-month (2026-12) or year-month-day.",
    },
    "statement_date_invalid": {
        "nl": "Geef de datum waarop de versie gaat gelden.",
        "en": "Give the date the version comes into force.",
    },
    "statement_title_needed": {
        "nl": "Geef een titel (minstens 3 tekens).",
        "en": "Give a title (at least 3 characters).",
    },
    "statement_text_needed": {
        "nl": "Plak de tekst van de verklaring (minstens 100 tekens) of kies een bestand.",
        "en": "Paste the statement's text (at least 100 characters) or choose a file.",
    },
    "statement_file_unreadable": {
        "nl": "Het bestand is geen leesbare tekst (UTF-8) of groter dan 200 kB.",
        "en": "The file is not readable text (UTF-8) or larger than 200 kB.",
    },
    "statement_version_taken": {
        "nl": "Deze versie bestaat al; een versie verandert nooit. Kies een nieuwe versienaam.",
        "en": "This version exists already; versions never change. Choose a new version name.",
    },
    "kept_title": {"nl": "Wat we hoe lang bewaren", "en": "What is kept how long"},
    "kept_what": {"nl": "Gegevens", "en": "Data"},
    "kept_how_long": {"nl": "Bewaard", "en": "Kept"},
    "kept_days": {"nl": "{days} dagen", "en": "{days} days"},
    "kept_then_grace": {
        "nl": "zonder activiteit; daarna {grace} dagen om de toestemming te vernieuwen",
        "en": "without activity; then {grace} days to renew consent",
    },
    "kept_candidates": {"nl": "Kandidaatprofielen", "en": "Candidate profiles"},
    "kept_contacts": {
        "nl": "Contactpersonen van zakelijke relaties (zonder wijziging of contactmoment)",
        "en": "Contact persons of business relations (without an edit or contact moment)",
    },
    "kept_events": {
        "nl": "Berichten tussen de diensten (versleuteld)",
        "en": "Messages between the services (sealed)",
    },
    "kept_dead_letters": {
        "nl": "Onverwerkte berichten (voor beheer, versleuteld)",
        "en": "Unprocessed messages (for operators, sealed)",
    },
    "note_retention_contact": {
        "nl": "Bewaartermijn: zakelijk contact zonder activiteit binnen de termijn",
        "en": "Retention: business contact without activity for the retention period",
    },
}


def translator(lang: str) -> Callable[[str], str]:
    lang = lang if lang in LANGS else DEFAULT

    def t(key: str) -> str:
        entry = TEXT.get(key)
        return entry[lang] if entry else key

    return t

# amity — English messages. Arguments are strings formatted by the caller; `count` and `n_*` are numbers.

## Start and help
start-title = amity — the outreach ledger of the { $office }
start-body = I keep the office's donations, letters, video conferences and receptions, and answer with exact totals. Replies come in English or Chinese: /lang zh 切换中文.
help-section-read = Ask
help-section-log = Log and correct (staff)
help-section-admin = Administer (admins)
help-more = /help COMMAND shows one command in full, e.g. /help donation. /help zh lists the Chinese command names.
help-aliases = Also: { $names }
help-start = what amity is, and the commands you may use
help-help = this list; /help COMMAND for one command
help-totals = the summary: money, recipients, countries, items, letters, events — /totals 2020
help-donations = donations with totals, newest first — /donations Germany 2020-03
help-letters = letters sent and replies received, with quotes — /letters NRW
help-events = video conferences, webinars, video messages — /events 2020-05
help-receptions = receptions of foreign guests — /receptions 2020
help-partners = partners with a tally each — /partners Italy, /partners friendship
help-partner = one partner's page — /partner NRW
help-countries = one line per country — /countries 2020
help-search = find records by name, note or quote — /search goggles
help-lang = reply language — /lang zh, /lang en
help-add = log step by step, with choices (guided)
help-donation = log a donation in one line — /donation 2020-03-23 | NRW | 500 protective suits
help-letter = log a letter sent or received — /letter 2020-04-10 | received | Jalalabad | from: … | "…"
help-event = log a conference, webinar or video message — /event 2020-05-20 | video-conference | Thailand, Singapore | Topic
help-reception = log a reception of foreign guests — /reception 2020-03-31 | Taiyuan airport | 13 | Ambassadors
help-partner-add = add a partner — /partner add Mantova | Italy | partner | aliases: Mantua
help-undo = take back your last change (within a day, by default)
help-edit = change one field — /edit D-3 status: delivered
help-delete = delete with a reason (kept in the history) — /delete D-3 entered twice
help-history = every version of a record — /history D-3
help-rate = record or list exchange rates — /rate USD 7.0835 2020-01-01
help-rates = every rate ever set, with who set it and what it replaced — /rates USD
help-export = your records as a spreadsheet file (CSV or Excel), in a private chat — /export xlsx donations 2020
help-import = send me a spreadsheet (CSV or Excel) in a private chat: I check every row, then import it when you press Import — /import
help-cancel = stop a guided entry
help-staff = manage staff — /staff add 123456789 staff Li Wei, /staff remove ID, /staff list

## Usage lines (shown with errors)
usage-start = /start
usage-help = /help [COMMAND]
usage-totals = /totals [PERIOD] — e.g. /totals, /totals 2020, /totals last month
usage-donations = /donations [FILTER] [PERIOD] — e.g. /donations Germany, /donations masks 2020-03..2020-05
usage-letters = /letters [FILTER] [PERIOD] — e.g. /letters, /letters Kyrgyzstan; the letters still awaiting a reply: /letters awaiting (or pending) [FILTER] [PERIOD]
usage-events = /events [FILTER] [PERIOD] — e.g. /events 2020-05
usage-receptions = /receptions [PERIOD] — e.g. /receptions 2020
usage-partners = /partners [COUNTRY or KIND] — e.g. /partners Italy, /partners friendship
usage-partner = /partner NAME — e.g. /partner NRW
usage-countries = /countries [PERIOD] — e.g. /countries 2020
usage-search = /search TEXT — e.g. /search goggles
usage-lang = /lang en | zh
usage-add = /add [donation | letter | event | reception | partner]
usage-cancel = /cancel
usage-donation = Form: /donation DATE | RECIPIENT[, RECIPIENT…] | ITEMS | VALUE [| donor: …] [| status: pledged|shipped|delivered] [| fund: …] [| internal] [| note: …] [| source: …]
    Example: /donation 2020-05-31 | Mantova | 100 medical goggles; 500 sets protective suits | ¥38,500 | status: delivered
usage-letter = Form: /letter DATE | sent | PARTNER[, PARTNER…] | signed: TITLE[, TITLE…] [| kind: sympathy] [| source: …]
    or: /letter DATE | received | PARTNER | from: AUTHOR | "QUOTE" [| reply to: L-1] [| kind: thanks]
    Example: /letter 2020-04-02 | received | NRW | from: Armin Laschet | "Our friendship is strong."
usage-event = Form: /event DATE | KIND | PARTICIPANT[, PARTICIPANT…] | TOPIC [| host: …] [| source: …]
    Example: /event 2020-05-20 | video-conference | Thailand, Singapore | COVID-19 prevention and control
usage-reception = Form: /reception DATE | PLACE | COUNT | GUESTS [| countries: …] [| source: …]
    Example: /reception 2020-03-31 | Taiyuan airport | 13 | Ambassadors and their families | countries: Japan, France
usage-partner-add = Form: /partner add NAME | COUNTRY | KIND [| aliases: A, B] [| since: YEAR] [| level: province|city|county] [| source: …]
    Example: /partner add Mantova | Italy | partner | aliases: Mantua
usage-undo = /undo
usage-edit = Form: /edit ID FIELD: VALUE
    Example: /edit D-3 status: delivered
usage-delete = Form: /delete ID REASON
    Example: /delete D-3 entered twice
usage-history = Form: /history ID — e.g. /history D-3
usage-rate = Form: /rate CURRENCY RATE [DATE] — CNY per one unit, valid from DATE (default today)
    Example: /rate USD 7.0835 2020-01-01
usage-rates = Form: /rates [CURRENCY] — newest first
    Example: /rates USD
usage-export = Form: /export csv|xlsx [hxl] [donations|letters|events|receptions|partners|reported] [PERIOD] — every kind when none is named; partners whatever the period; hxl adds a row of HXL hashtags under the headings, for humanitarian data tools. In a private chat; the files include internal records. From a terminal: amity export csv|xlsx [hxl] [KIND] [PERIOD] --out DIR.
    Example: /export xlsx donations 2020
usage-import = Form: send a .csv or .xlsx file to me in a private chat, with a caption if needed: a kind (donations, letters, events, receptions, partners, reported) when the headings do not tell, and “sheet: NAME” for one sheet of a workbook. I answer with what would be written, or each problem by row and column, and Import / Cancel buttons (also typed: /import confirm N, /import cancel N). From a terminal: amity import FILE [--kind KIND] [--sheet NAME] [--dry-run] [--create-partners].
    Example: a file donations-2020.xlsx with the caption “sheet: 2020”
usage-staff = Form: /staff add USER_ID [admin|staff] [NAME] · /staff remove USER_ID · /staff list
    Example: /staff add 123456789 staff Li Wei

## Errors
err-field = { $field }: { $reason }
    { $usage }
err-form-unseparated = The fields of this form are separated by “|”, and I found only one: “{ $input }”.
    { $usage }
err-missing-field = { $field } is missing.
    { $usage }
err-empty = Send a command, for example /help.
err-not-command = I answer commands, which start with /. Try /help, or /totals for the summary.
err-unknown-command = There is no command /{ $name }. /help lists them.
err-unknown-command-suggest = There is no command /{ $name }. Did you mean /{ $suggestion }?
err-too-long = That message is too long (over { $max } bytes). Split it into several entries.
err-internal = Something went wrong inside amity, and nothing was saved. Please try again; if it persists, tell the admin.
err-ledger-full = Nothing was saved: with this entry the ledger's totals would exceed 92,233,720,368,547,758 (the most amity can count). Check the amounts and quantities, e.g. “3.5 million CNY”, “45,000 masks”.
err-text-too-long = is longer than { $max } characters
err-control-chars = contains control characters
err-extra-field = “{ $text }” is not a field of this form (a mistyped option? options end with a colon, like donor: …)
err-date-future = { $date } is more than a year from today
err-donation-empty = a donation needs items, a value, or both (write - for “not valued”)
err-bad-word = “{ $input }” is not one of: { $choices }
err-bad-year = “{ $input }” is not a year (e.g. 1986)
err-no-rate = there is no { $currency } rate on or before { $date }, so its value in yuan is unknown. Record the rate first: /rate { $currency } RATE { $date }
err-unknown-currency = “{ $input }” is not a currency I know. Use a code such as USD, EUR, JPY, or ¥ / $ / €.
err-bad-rate = “{ $input }” is not a rate: give CNY per one unit, a number above 0 and below 100,000 with at most 8 decimals, e.g. 7.0835
err-option-twice = “{ $key }” is given more than once; give it once, e.g. “| status: shipped” (for visibility: “| internal” or nothing).
err-rate-cny = CNY is the ledger's own currency: its rate is always 1.
err-too-many = more than { $max } names in one entry
err-received-one-partner = a received letter comes from one partner
err-bad-letter-id = “{ $input }” is not a letter id (like L-3)
err-no-sent-letter = { $id } is not a sent letter in the ledger
letter-reply-other-partner = { $id } was sent to { $sent_to }, not to { $partner }: if the number is mistyped, correct it with /edit (/letters { $name } lists the letters sent to it).
err-count-absurd = { $input } guests in one reception is not plausible
err-name-empty = the name has no letters or digits
err-partner-exists = “{ $name }” is already the name of partner { $id }. Use /partner { $name } to see it, or /edit { $id } aliases: … to change its names.
err-restore-dead-partner = { $id } cannot be brought back: it names partner { $partner } ({ $name }), which has been deleted since. Bring the partner back first (/undo by whoever deleted it), or add it again and log the entry anew.
err-restore-dead-letter = { $id } cannot be brought back: the letter it replies to, { $letter }, has been deleted since. Bring { $letter } back first, or log the reply anew.
err-ambiguous = “{ $input }” matches several partners. Which one?
err-ambiguous-list = “{ $input }” matches several partners: { $candidates }. Write the full name.
err-unknown-filter = I know no country, partner, item or donor called “{ $input }”. /partners lists the partners; /countries the countries.
err-unknown-filter-suggest = I know no country, partner, item or donor called “{ $input }”. Did you mean: { $suggestions }?
err-filter-looks-like-entry = That looks like an entry to log, not a name to look up. To log it, use { $command } ({ $help } { $name } shows how).
err-unknown-partner = “{ $input }” is not a partner yet. An admin or staff member can add it: { $example }
err-partner-did-you-mean = “{ $input }” is not a partner name. Did you mean: { $suggestions }?
err-unknown-recipient = “{ $input }” is neither a known partner nor a country; nothing was saved. Add the partner first: { $example }
err-unknown-recipient-suggest = “{ $input }” is neither a known partner nor a country; nothing was saved. Did you mean: { $suggestions }? To add a new partner: { $example }
err-partners-filter = “{ $input }” is neither a country nor a partner kind ({ $kinds }).{ $suggestions ->
        [none] {""}
       *[other] {" "}Did you mean: { $suggestions }?
    }
err-search-short = Search for at least two characters, e.g. /search masks
err-lang = “{ $input }” is not a language I speak: /lang en or /lang zh
err-bad-id = “{ $input }” is not a record id. Ids look like D-3 (donation), L-2 (letter), E-1 (event), R-1 (reception), P-4 (partner).
err-no-record = There is no record { $id }.
err-already-deleted = { $id } is already deleted. /history { $id } shows what happened.
err-edit-deleted = { $id } is deleted; /undo (if it was you) or ask an admin to restore it.
err-edit-field = “{ $field }” is not a field I can change here. Fields: { $fields }
err-edit-no-change = { $id } already has that value; nothing changed.
err-partner-in-use = { $id } is named by { $count ->
        [one] one record
       *[other] { $count } records
    } (donations, letters or events); delete or change those first, so that none points at a missing partner.
err-nothing-to-undo = You have no change to undo.
err-undo-too-old = Your last change ({ $id }) is more than { $hours } hours old; use /edit or /delete instead.
err-undo-touched = { $id } was changed by someone after your change; use /history { $id } and /edit instead.
err-bad-user-id = “{ $input }” is not a user id: use the numeric Telegram id (like 123456789) or a Matrix id (like @name:server)
err-not-staff = { $id } is not on the staff list.
err-staff-config-admin = { $id } is an admin in the config file; remove them there.

## Refusals
refuse-staff-only-log = Only staff can log entries. Your id is { $id }; an admin can add you with /staff add { $id }.
refuse-staff-only = Only staff can do that. Your id is { $id }; an admin can add you with /staff add { $id }.
refuse-admin-only = Only admins can do that. Your id is { $id }.
refuse-not-public = This ledger is open to staff only. Your id is { $id }; an admin can add you with /staff add { $id }.
refuse-forwarded = A forwarded message never writes to the ledger. Type the command yourself.
refuse-group-logging = Logging is done in a private chat with me, so that a forwarded or replayed message cannot write. Open a private chat and send the command there.

## Saved, edited, deleted, undone
saved = Saved { $id }: { $echo }
saved-same-as = { $id } is the same donation on the same day. If this one was sent twice, { $undo } takes it back.
edited = Edited { $id }: { $echo }
# A field an edit changed, in /edit's answer and /history.
field-change = { $field }: { $was } → { $now }
deleted = Deleted { $id }: { $echo }. Totals no longer count it; /history { $id } keeps it.
undo-create = Undone: { $id } is removed ({ $echo }).
undo-edit = Undone: { $id } is back as it was ({ $echo }).
undo-delete = Undone: { $id } is restored ({ $echo }).
note-usd-missing = The USD amount is not known: there is no USD rate on or before { $date }. Add it with /rate USD RATE { $date } and it will be filled in.
note-rate-stale = The newest { $currency } rate on or before { $date } is from { $from }, { $days } days earlier; the value was fixed at it. If a newer rate applies, add it (/rate { $currency } RATE { $date }) and edit the value again.
lang-set = I will answer you in English.
lang-current = Your language is { $lang }. Change it with /lang en or /lang zh.

## Totals and lists
totals-title = Totals · { $period }
section-donations = Donations
section-letters = Letters
section-events = Video conferences and webinars
section-receptions = Receptions
donations-none = No donations.
donations-summary = { $count ->
        [one] One donation
       *[other] { $count } donations
    }: { $money } to { $recipients }{ $where }.
donations-summary-unvalued = { $count ->
        [one] One donation
       *[other] { $count } donations
    } in kind, with no declared value, to { $recipients }{ $where }.
# After the recipients when partners are among them: "… to 1 partner government in 1 country".
donations-in-countries = in { $n_countries ->
        [one] one country
       *[other] { $n_countries } countries
    }
donations-usd-missing = { $count ->
        [one] One valued donation has
       *[other] { $count } valued donations have
    } no USD amount yet (no USD rate for its value date), so the USD total ({ $usd }) leaves it out.
totals-stale-rates = { $count ->
        [one] One amount rests
       *[other] { $count } amounts rest
    } on an exchange rate more than { $days } days older than its value date (/rates lists the rates).
donations-unvalued = { $count ->
        [one] One donation is
       *[other] { $count } donations are
    } in kind with no declared value, not in the money total.
donations-items = Items: { $items }
donations-shared = { $count ->
        [one] One of these donations was
       *[other] { $count } of these donations were
    } given jointly with other recipients; the full value is shown here.
and-more = and { $count } more
# The last two of a list of recipients: "2 partner governments and 1 country directly".
list-and = { $a } and { $b }
recipients-friendship = { $count } friendship { $count ->
        [one] province or state
       *[other] provinces and states
    }
recipients-partner = { $count } partner { $count ->
        [one] government
       *[other] governments
    }
recipients-overseas-chinese = { $count } overseas Chinese { $count ->
        [one] society
       *[other] societies
    }
recipients-institution = { $count } { $count ->
        [one] institution
       *[other] institutions
    }
recipients-organization = { $count } international { $count ->
        [one] organization
       *[other] organizations
    }
recipients-embassy = { $count } { $count ->
        [one] embassy
       *[other] embassies
    }
recipients-country = { $count } { $count ->
        [one] country
       *[other] countries
    } directly (no partner named)
letters-none = No letters.
letters-sent-summary = Sent: { $count ->
        [0] none.
        [one] one letter to { $n_partners ->
            [one] one partner
           *[other] { $n_partners } partners
        }.
       *[other] { $count } letters to { $n_partners ->
            [one] one partner
           *[other] { $n_partners } partners
        }.
    }
letters-received-summary = Received: { $count ->
        [0] none.
        [one] one letter from { $n_partners ->
            [one] one partner
           *[other] { $n_partners } partners
        }.
       *[other] { $count } letters from { $n_partners ->
            [one] one partner
           *[other] { $n_partners } partners
        }.
    }
events-none = No events.
events-summary = { $count ->
        [one] One event
       *[other] { $count } events
    } ({ $kinds }) with participants from { $n_countries ->
        [one] one country
       *[other] { $n_countries } countries
    }.
receptions-none = No receptions.
receptions-summary = { $count ->
        [one] One reception
       *[other] { $count } receptions
    } of { $n_guests ->
        [one] one guest
       *[other] { $n_guests } guests
    }{ $n_countries ->
        [0] {""}
        [one] {" "}from one country
       *[other] {" "}from { $n_countries } countries
    }.
audience-public = Public records only.
audience-staff = Including internal records (you are staff).
history-internal-in-group = { $id } is an internal record: ask for its history in a private chat with the bot.
audience-staff-in-group = Public records only: internal records are shown to staff in a private chat with the bot.
list-page = Page { $page } of { $pages }: { $first }–{ $last } of { $total }.
btn-prev = ◀ Previous
btn-next = Next ▶
list-more-in = { $count } more not shown here: { $command } lists them all.
title-donations = Donations
title-letters = Letters
title-events = Events
title-receptions = Receptions
title-partners = Partners
title-countries = Countries
title-search = Search: { $text }
title-history = history
title-rates = Exchange rates (CNY per unit)
title-staff = Staff
partners-count = { $count ->
        [one] One partner.
       *[other] { $count } partners.
    }
partners-how-to-add = Add one with /partner add NAME | COUNTRY | KIND
tally-donations = { $count ->
        [one] one donation
       *[other] { $count } donations
    }
tally-nothing = nothing recorded yet
partner-aka = also: { $names }
partner-since = since { $year }
countries-none = No activity recorded.
country-donations = { $count ->
        [one] one donation
       *[other] { $count } donations
    }, { $money }, { $n_recipients ->
        [one] one recipient
       *[other] { $n_recipients } recipients
    }
country-shared = { $count } shared
country-letters = { $count ->
        [one] one letter
       *[other] { $count } letters
    }
country-events = { $count ->
        [one] one event
       *[other] { $count } events
    }
event-kinds-video-conference = { $count ->
        [one] one video conference
       *[other] { $count } video conferences
    }
event-kinds-webinar = { $count ->
        [one] one webinar
       *[other] { $count } webinars
    }
event-kinds-video-message = { $count ->
        [one] one video message
       *[other] { $count } video messages
    }
event-kinds-visit = { $count ->
        [one] one visit
       *[other] { $count } visits
    }
event-kinds-other = { $count ->
        [one] one other
       *[other] { $count } others
    }
countries-shared-note = “shared”: a donation given jointly to several countries appears under each of them with its full value; /totals counts it once.
search-none = Nothing found.
search-more = Only the newest { $n_shown } are shown; search for something more specific.
history-deleted-now = This record is deleted.
rates-none = No rates recorded. Add one: /rate USD 7.0835 2020-01-01
rate-line = 1 { $currency } = { $rate } CNY from { $date }
rate-saved = Rate saved: 1 { $currency } = { $rate } CNY from { $date }.
rate-replaced = It replaces { $rate } for the same day.
rate-filled = USD amounts filled in for { $count ->
        [one] one donation
       *[other] { $count } donations
    }: { $ids }.
rate-fixed-note = Donations already valued keep the amounts fixed when they were recorded.
title-rate-changes = Exchange rates set (newest first)
rate-change-line = 1 { $currency } = { $rate } CNY from { $date } · set by { $who }, { $at }
rate-change-replaced = replaced { $old }
rate-changes-none = No rates set yet. Add one: /rate USD 7.0835 2020-01-01
staff-added = { $id } is now { $role }.
staff-updated = { $id } is now { $role } (changed).
staff-removed = { $id } is no longer staff.
staff-none = No staff yet. Add someone: /staff add 123456789 staff
staff-from-config = from the config file

## Record parts
usd-unknown = USD unknown
value-none = not valued
internal-mark = internal
letter-signed = signed: { $names }
letter-from = from { $author }
letter-in-reply-to = in reply to { $id }
event-with = with { $names }
event-host = host: { $host }
reception-guests = { $count } guests: { $guests }

## Words
status-pledged = pledged
status-shipped = shipped
status-delivered = delivered
direction-sent = sent
direction-received = received
letter-kind-sympathy = sympathy
letter-kind-reply = reply
letter-kind-thanks = thanks
letter-kind-other = other
event-kind-video-conference = video conference
event-kind-webinar = webinar
event-kind-video-message = video message
event-kind-visit = visit
event-kind-other = other
partner-kind-friendship = friendship province/state
partner-kind-partner = partner government
partner-kind-overseas-chinese = overseas Chinese society
partner-kind-institution = institution
partner-kind-organization = international organization
partner-kind-embassy = embassy
level-province = province/state
level-city = city
level-county = county
level-none = —
role-admin = an admin
role-staff = staff
role-everyone = everyone
action-create = created
action-edit = edited
action-delete = deleted
action-undo = undone

## Guided entry (/add)
add-choose-kind = What would you like to log?
add-kind-donation = Donation
add-kind-letter = Letter
add-kind-event = Event
add-kind-reception = Reception
add-kind-partner = Partner
err-add-kind = “{ $input }” is not something I can log. Choose: donation, letter, event, reception, partner or reported — e.g. /add donation
add-nothing-to-cancel = There is no entry in progress.
add-cancelled = Cancelled; nothing was saved.
add-fix-and-save = Nothing was saved. Edit the entry and save again, or cancel.
add-edit-which = Which field?
add-use-buttons = Choose Save, Edit or Cancel.
add-progress = { $kind } · question { $n_step } of { $n_steps }
add-none = none
add-default = Send . for the default: { $value }
add-no-default = This question has no default; please answer it.
err-add-bar = The | character separates fields; please leave it out of your answer.
add-card-title = New { $kind } — please check
add-card-command = The same in one line: { $command }
btn-today = Today
btn-yesterday = Yesterday
btn-skip = Skip
btn-default = Default
btn-cancel = Cancel
btn-save = Save
btn-edit = Edit
add-ask-date = Date? (e.g. 2020-03-23)
add-ask-recipient = To whom? A partner or a country; several separated by commas.
add-ask-items = What was given? e.g. 45,000 masks; 500 sets protective suits — or - for none.
add-ask-value = Declared value? e.g. ¥38,500 or 5,000 USD; a bare number asks the currency next; - for not valued.
add-ask-currency = Which currency?
add-ask-donor = Who gave it (which body of the province)?
add-ask-status = Status?
add-ask-direction = Sent or received?
add-ask-partners = Which partner(s)? Several separated by commas.
add-ask-signed = Signed by (titles, separated by commas)?
add-ask-from = From whom (name and title)?
add-ask-quote = A quote from the letter? (- for none)
add-ask-letter-kind = What kind of letter?
add-ask-event-kind = What kind of event?
add-ask-participants = Who took part? Partners, countries or names, separated by commas.
add-ask-topic = Topic?
add-ask-host = Hosted by? (- for none)
add-ask-place = Where?
add-ask-count = How many guests?
add-ask-guests = Who were the guests?
add-ask-countries = From which countries? (comma-separated, - for none)
add-ask-name = The partner's name?
add-ask-country = Its country?
add-ask-partner-kind = What kind of partner?
add-ask-aliases = Other names? (comma-separated, - for none)
add-field-date = Date
add-field-recipient = Recipient
add-field-items = Items
add-field-value = Value
add-field-currency = Currency
add-field-donor = Donor
add-field-status = Status
add-field-direction = Direction
add-field-partners = Partners
add-field-signed = Signed by
add-field-from = From
add-field-quote = Quote
add-field-letter-kind = Kind
add-field-event-kind = Kind
add-field-participants = Participants
add-field-topic = Topic
add-field-host = Host
add-field-place = Place
add-field-count = Guests
add-field-guests = Who
add-field-countries = Countries
add-field-name = Name
add-field-country = Country
add-field-partner-kind = Kind
add-field-aliases = Other names

## Field names in error messages (as the forms write them)
field-date = DATE
field-recipient = RECIPIENT
field-items = ITEMS
field-value = VALUE
field-country = COUNTRY
field-kind = KIND
field-name = NAME
field-partner = PARTNER
field-participant = PARTICIPANT
field-topic = TOPIC
field-place = PLACE
field-count = COUNT
field-guests = GUESTS
field-quote = QUOTE
field-reason = REASON
field-id = ID
field-user-id = USER_ID
field-rate = RATE
field-sent-received = sent|received
field-field--value = FIELD: VALUE

## /export
export-form = /export csv|xlsx [hxl] [donations|letters|events|receptions|partners|reported] [PERIOD]
export-title = Export · { $period }
export-count = { $kind }: { $count }
export-nothing = Nothing to export in this period.
export-internal-note = The files include internal records: share them with care.
export-private-only = /export sends files with internal records, so it works only in a private chat with the bot.
export-no-format = Say which format: csv or xlsx. Usage: { $usage } — e.g. /export xlsx donations 2020
export-bad-format = “{ $given }” is not a format I can export: use csv or xlsx. Usage: { $usage } — e.g. /export csv letters
export-too-many = { $count } { $kind } in this period: more than one export holds ({ $max }). Choose a shorter period, e.g. /export xlsx donations 2020-03
export-failed = The file could not be written ({ $error }); nothing was sent.
export-kind-donations = Donations
export-kind-letters = Letters
export-kind-events = Events
export-kind-receptions = Receptions
export-kind-partners = Partners
export-noun-donations = donations
export-noun-letters = letters
export-noun-events = events
export-noun-receptions = receptions
export-noun-partners = partners
export-public = public
export-internal = internal
export-col-id = ID
export-col-date = Date
export-col-recipients = Recipients
export-col-countries = Countries
export-col-donor = Donor
export-col-items = Items
export-col-value = Declared value
export-col-currency = Currency
export-col-value-date = Value date
export-col-rate = Rate (CNY per unit)
export-col-cny = CNY
export-col-usd = USD
export-col-status = Status
export-col-fund = Fund
export-col-visibility = Visibility
export-col-note = Note
export-col-direction = Direction
export-col-letter-kind = Kind
export-col-partners = Partners
export-col-signatories = Signatories
export-col-author = Author
export-col-quote = Quote
export-col-in-reply-to = In reply to
export-col-event-kind = Kind
export-col-topic = Topic
export-col-host = Host
export-col-participants = Participants
export-col-place = Place
export-col-guests = Guests
export-col-count = Number of guests
export-col-name = Name
export-col-partner-kind = Kind
export-col-country = Country
export-col-level = Level
export-col-aliases = Other names
export-col-since = Since

# A file of an answer (an export, a chart) larger than the chat network takes.
file-too-large = { $file } is { $size } MB, more than this chat takes ({ $max } MB), so it was not sent. Ask for less: one kind or one period (/export csv donations 2020), or export it on the server: amity export csv.
file-refused-too-large = { $file } ({ $size } MB) was refused by the chat server as too large, so it was not sent. Ask for less: one kind or one period (/export csv donations 2020), or export it on the server: amity export csv.

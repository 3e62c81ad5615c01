# Reported figures (/reported) and sources.
help-reported = figures a source published, beside the ledger and never added to it — /reported 2020
help-reported-add = log figures a source published — /reported 2020-06-30 | donations | nearly 3.5 million yuan ($494,100) | 30 local governments | source: China Daily
usage-reported = Form: /reported DATE | donations|letters|events|receptions | FIGURE [| FIGURE…] | source: … [| period: PERIOD] [| internal] [| note: …]
    Example: /reported 2020-06-30 | donations | nearly 3.5 million yuan ($494,100) | 30 local governments | 20 countries | period: 2020-01..2020-06 | source: China Daily, 2020-06-30
    To list them: /reported [KIND] [PERIOD], e.g. /reported donations 2020
title-reported = Reported figures
section-reported = Reported figures
reported-never-added = As the source words them; never added to the ledger's sums.
reported-none = No reported figures for this period.
reported-how-to-add = Log one with /reported DATE | KIND | FIGURES | source: … (see /help reported).
reported-of-donations = donations
reported-of-letters = letters
reported-of-events = events
reported-of-receptions = receptions
record-source = Source: { $source }
recon-line = In the ledger: { $parts }
recon-money = { $have } of { $mark }{ $reported }
recon-count = { $have } of { $figure }
recon-missing = {" "}({ $count } not yet logged)
recon-more = {" "}(the ledger has { $count } more)
err-figure = “{ $text }”: { $reason }
err-figure-no-number = no number to read; a figure is a number and what it counts, e.g. 30 local governments, nearly 3.5 million yuan ($494,100), more than a dozen foreign ambassadors
err-figure-nothing-counted = a number without what it counts; say what, e.g. 20 countries
err-figure-second-not-usd = the amount in brackets must be the USD figure the source gives, e.g. ($494,100); “{ $text }” is not in USD
err-too-many-figures = more than { $max } figures in one report; split it into two reports
err-reported-period-after = the period ({ $period }) starts after the report's date ({ $date }): a source reports on days before it
field-figures = FIGURES
qualifier-exact = exact
qualifier-nearly = nearly
qualifier-about = about
qualifier-more-than = more than
qualifier-at-least = at least
export-kind-reported = Reported figures
export-noun-reported = reported figures
export-col-reported-of = About
export-col-period-from = Period from
export-col-period-to = Period to
export-col-figure = Figure as reported
export-col-qualifier = Qualifier
export-col-number = Number
export-col-counted = Counted
export-col-source = Source

# Guided /add
add-kind-reported = Reported figures
add-ask-reported-of = What are the figures about?
add-ask-figures = The figures, as the source words them: one a line, or separated by “;”. e.g. nearly 3.5 million yuan ($494,100); 30 local governments; 20 countries
add-ask-source = Where were they published? A URL or a document reference.
add-ask-period = Which days do they cover? e.g. 2020-01..2020-06 (- for everything up to the report's date)
add-field-reported-of = About
add-field-figures = Figures
add-field-source = Source
add-field-period = Period

# Donors (/donors) and the donor: filter.
help-donors = who gave, with a tally each — /donors 2020
usage-donors = /donors [PERIOD] — e.g. /donors 2020; one donor's donations: /donations donor: NAME
title-donors = Donors
donors-count = { $count ->
        [one] One donor.
       *[other] { $count } donors.
    }
donor-countries = { $count ->
        [one] one country
       *[other] { $count } countries
    }
donors-filter-hint = One donor's donations: /donations donor: { $donor }
err-donor-empty = Which donor? e.g. /donations donor: Provincial Education Department
err-unknown-donor = No donor is called “{ $input }”. /donors lists them all, e.g. /donations donor: Provincial Foreign Affairs Office
err-unknown-donor-suggest = No donor is called “{ $input }”. Did you mean: { $suggestions }?

# Replies awaited (/letters awaiting).
title-awaiting = Letters awaiting a reply
letters-reply-rate = Partners written to: { $n_written }; replied: { $n_replied }.
awaiting-none = Every partner written to has replied.
awaiting-count = { $count ->
        [one] One letter awaits a reply (oldest first):
       *[other] { $count } letters await a reply (oldest first):
    }
awaiting-entry = { $id } · { $date } · { $kind } · { $partners }
    waiting { $days ->
        [one] one day
       *[other] { $days } days
    }
err-ambiguous-donor = “{ $input }” matches several donors. Which one?

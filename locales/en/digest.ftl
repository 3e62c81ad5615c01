# Scheduled digests (src/digest/, src/commands/digest.rs).

help-digest = digests — /digest lists them, /digest preview weekly shows what it would send now, /digest send weekly sends it now
usage-digest = Form: /digest · /digest preview [NAME] · /digest send NAME
digest-usage = Form: /digest · /digest preview [NAME] · /digest send NAME. Example: /digest preview weekly

digest-title = { $office } · { $name } digest · { $period }
digest-nothing-new = Nothing new was logged for { $period }.
digest-change = Previous { $n_days ->
        [one] day
       *[other] { $n_days } days
    }: { $prev_count } donations, { $prev_money }. Change: { $count_delta } donations, { $money_delta }.
digest-more = …and { $count } more.
digest-late-title = Logged late ({ $count ->
        [one] one record
       *[other] { $count } records
    } dated before this period)
digest-running-title = Since the start, up to { $date }
digest-running-donations = { $count ->
        [one] One donation
       *[other] { $count } donations
    }: { $money }.
digest-running-other = Letters: { $n_sent } sent, { $n_received } received · events: { $n_events } · receptions: { $n_receptions }.
digest-audience-public = Public records only.
digest-audience-staff = Includes internal records: for staff only.

chart-by-country = Value by country, { $period } (CNY)
chart-cumulative = Cumulative value of donations (CNY)
chart-no-values = No valued donations in this period.
chart-others = { $count } other countries

digest-list-title = Digests
digest-list-entry = { $name } → { $target } · { $schedule } ({ $tz }) · next: { $next }
digest-list-last = Last: { $period } ({ $state })
digest-state-pending = waiting to be sent
digest-state-sending = being sent
digest-state-sent = sent
digest-state-failed = failed
digest-state-skipped = skipped: nothing new
digest-none-configured = No digests are configured. Add a [[digest]] table to the config file (see config.example.toml).
digest-which = Which digest? { $names }. Example: /digest preview weekly
digest-unknown = There is no digest named “{ $name }”. Configured: { $names }.
digest-preview-note = Preview of the { $name } digest to { $target }, as it would be sent now (nothing is sent or recorded):
digest-preview-would-skip = Nothing new: this digest is set to skip such periods, so nothing would be sent.
digest-preview-covered = The { $name } digest for { $period } is already in the outbox ({ $state }); there is nothing newer to send.
digest-send-queued = Queued: the { $name } digest for { $period } to { $target }. The running bot sends it within a minute, and records it like a scheduled one.
digest-send-skipped = Nothing new for { $period }: the { $name } digest skips such periods; recorded as skipped.
digest-failed-report = The { $name } digest for { $from } – { $to } to { $target } could not be sent after { $n_attempts ->
        [one] one attempt
       *[other] { $n_attempts } attempts
    }: { $reason }. It is recorded as failed; /digest send { $name } tries again.
digest-scheduler-failed = The digest scheduler failed: { $reason }. amity starts it again in { $seconds } s and keeps trying, waiting longer each time (at most 10 minutes); digests due meanwhile are sent once it runs. You will be told when it does.
digest-scheduler-recovered = The digest scheduler runs again (after { $n_failures ->
        [one] one failure
       *[other] { $n_failures } failures in a row
    }); digests due meanwhile are being sent.

# Charts on demand (/chart).
help-chart = a chart of the donations, as a picture — /chart donations by country 2020
usage-chart = /chart donations by country [PERIOD], /chart donations over time [PERIOD], /chart items [PERIOD] — e.g. /chart items 2020
err-chart-which = Which chart? /chart donations by country, /chart donations over time or /chart items, with a period if you like, e.g. /chart items 2020
err-chart-unknown = “{ $input }” is not a chart I can draw. Choose /chart donations by country, /chart donations over time or /chart items, e.g. /chart donations by country 2020
chart-over-time = Cumulative declared value, { $period } (CNY)
chart-items = Items given, { $period }
chart-caption-by-country = declared value of { $money } to { $n_countries ->
        [one] one country
       *[other] { $n_countries } countries
    } (a donation shared by several countries is split evenly); { $audience }
chart-caption-over-time = { $money } declared in all, month by month over { $n_months ->
        [one] one month
       *[other] { $n_months } months
    }; { $audience }
chart-caption-items = { $n_kinds ->
        [one] the one kind of item
       *[other] the { $n_shown } largest of { $n_kinds } kinds of items
    }, quantities as logged (each unit apart); { $audience }
chart-audience-public = public records only.
chart-audience-staff = internal records included.
chart-nothing-valued = No valued donations ({ $period }): nothing to draw. /donations lists what was given.
chart-nothing-items = No items given ({ $period }): nothing to draw.
chart-failed = The chart could not be drawn ({ $error }).

### Errors from reading dates and periods (src/domain/period.rs).
### Every argument is a string. Ids come from PeriodError::msg_id.

# No date was given.
period-empty-date = Please give a date, e.g. 2020-03-23, 2020年3月23日, today or yesterday.

# No period was given.
period-empty-period = Please give a period, e.g. 2020, 2020-05, 2020-03-01..2020-05-31, since 2020-04-01, last month or all.

# $input: the text that is not a date
period-unknown-date = “{ $input }” is not a date I understand. Write it like 2020-03-23, 2020/03/23, 2020年3月23日, today or yesterday.

# $input: the text that is not a period
period-unknown-period = “{ $input }” is not a period I understand. Try 2020, 2020-05, 2020 Q1, 2020-03-01..2020-05-31, since 2020-04-01, until 2020-05-31, this week, last month, this year or all.

# $input: the date or period typed; $year: the year as typed
period-year-out-of-range = “{ $input }”: year { $year } is outside 1900–2100. Write the full four-digit year, e.g. 2020-03-23.

# $input: the date or period typed; $year: its (valid) year; $month: the month as typed
period-month-out-of-range = “{ $input }”: there is no month { $month }; months run from 1 to 12, e.g. { $year }-12.

# $input: the date typed; $year, $month (number), $month_name (English name), $day (as typed),
# $days: how many days that month has; $example: the month's last day, e.g. 2020-02-29
period-day-out-of-range = “{ $input }”: { $month_name } { $year } has { $days } days, so there is no day { $day }. The last day is { $example }.

# $input: a date written with the year last, e.g. 23/03/2020
period-year-last = “{ $input }”: please put the year first, e.g. 2020-03-23 (with the year last, day and month could be read either way).

# $input: the range typed; $from, $to: its start and end as YYYY-MM-DD
period-reversed-range = “{ $input }”: the end ({ $to }) is before the start ({ $from }). Put the earlier date first, e.g. 2020-03-01..2020-05-31.

## amity import and files sent to the bot: what was read, written and skipped, and each row's problem.
import-title = Import of { $file }
import-title-dry = Import of { $file } — dry run
import-rows = Rows read: { $count }
import-written = { $kind } written: { $count }
import-would-write = { $kind } to write: { $count }
import-noun-partner = Partners
import-noun-donation = Donations
import-noun-letter = Letters
import-noun-event = Events
import-noun-reception = Receptions
import-noun-reported = Reported figures
import-skipped = Skipped, already in the ledger: { $count }
import-partners-created = Partners created ({ $count }): { $names } — with the kind “partner government”; correct one with /edit P-n kind friendship
import-partners-would-create = Partners to create ({ $count }): { $names }
import-ignored-columns = { $table }: columns not read: { $columns }
import-problems = Problems: { $count }
import-more-problems = … and { $count } more.
import-hint-create = A recipient that is not a partner yet can be created by the import: run it with --create-partners (its country from “Name (Italy)” or a country column).
import-nothing-written = Nothing was written. Correct the rows above and import the file again.
import-dry-note = Dry run: nothing was written. Import again without --dry-run to write it.
import-nothing-new = Nothing new: every row is already in the ledger.
import-problem = row { $row }, { $column }: { $reason }
import-problem-missing = row { $row }: { $column } is missing
import-problem-row = row { $row }: { $reason }
import-given = “{ $input }”: { $reason }
import-bad-visibility = “{ $input }” is neither public nor internal
import-partner-needs-country = “{ $name }” is not a partner yet, and the row does not say its country: write it as “{ $name } (Italy)”, or fill in the country column
import-history = imported from { $file }, row { $row }
import-staff-only = Only staff can import records.
import-unreadable = Cannot read { $file }: { $reason }
import-no-sheet = { $file } has no sheet “{ $sheet }”. Its sheets: { $sheets }
import-empty-table = { $table }: empty, passed over
import-not-records = { $table }: its headings name no kind of record, passed over
import-what-kind = I cannot tell what { $file } holds. Name the kind, e.g. amity import { $file } --kind donations, or give it headings like an export's (Date, Recipients, Items, Declared value, Currency).
import-nothing = { $file } holds no table to import.
import-missing-columns = no column for { $columns }: the heading row must name it (as /export writes it, e.g. Date, Recipients)

## Files sent to the bot in a chat (/import).
upload-how = Send me a spreadsheet (.csv or .xlsx, up to { $max } MB) in this private chat. I check every row with the same rules as the one-line commands and answer with what would be written, or each problem by row and column; nothing is written until you press Import. Headings as /export writes them (Date, Recipients, Items, Declared value, Currency…), in English or Chinese. A caption can name the kind (“letters”) or one sheet (“sheet: 2020”).
upload-how-console = Here in the terminal, import a file with: amity import FILE --dry-run (check it), then amity import FILE. On Telegram or Matrix, send the file to the bot in a private chat.
upload-private-only = Send files to import in a private chat with me: the report lists internal records.
upload-not-table = { $file } is not a spreadsheet I can import: send a .csv or .xlsx file (an export from /export is one).
upload-too-large = { $file } is { $size } MB; I take files up to { $max } MB. Split it, or import it from a terminal: amity import FILE.
upload-unavailable = I could not fetch { $file } from the chat server. Nothing was written; send it again in a minute.
upload-bad-caption = I did not understand the caption “{ $input }”: it can name a kind and a sheet, e.g. “donations sheet: 2020”.
upload-confirm-note = Nothing is written until you press Import. The file waits { $hours } hours.
upload-create-note = Press “Import and create …” to add them (with the kind “partner government”; correct one with /edit P-n kind friendship), or correct the names and send the file again.
upload-fix-and-resend = Nothing was written. Correct the rows above and send the file again.
upload-btn-import = Import
upload-btn-import-create = Import and create { $count } { $count ->
    [one] partner
   *[other] partners
}
upload-already-imported = { $file } was already imported; nothing was written again.
upload-already-settled = This file was already imported or cancelled.
upload-was-cancelled = The import of { $file } was cancelled. Send the file again to import it.
upload-expired = The file { $file } is no longer kept. Send it again to import it.
upload-cancelled = Cancelled: nothing from { $file } was written.
upload-not-yours = Only the person who sent the file can import it.
upload-gone = There is no such file waiting to be imported. Send it again.

# Errors from parsing money values, quantities and item lists (src/domain/money.rs).
# All arguments are strings. $text, $line and $item are what the user wrote (cut to 60 characters).

## Values

money-value-empty = No value given. Write an amount with its currency, e.g. “90,000 CNY” or “$12,700”, or “-” if it is not valued.
money-value-negative = The value “{ $text }” is negative. Write a positive amount, e.g. “90,000 CNY”.
money-value-zero = The value “{ $text }” is zero. Write an amount above zero, e.g. “90,000 CNY”, or “-” if it is not valued.
money-value-too-precise = The value “{ $text }” has more than 4 decimal places. Round it, e.g. “38,500.50 CNY”.
money-value-too-large = The value “{ $text }” is more than 1,000,000,000,000 { $currency }. Check the number, e.g. “3.5 million CNY”.
money-value-unknown-currency = “{ $currency }” in “{ $text }” is not a currency I know. Write CNY (RMB, yuan, 元, ¥), USD ($, dollars), EUR (€, euros), GBP (£), JPY (yen, 円), KRW (₩) or another ISO 4217 code, e.g. “500 EUR”.
money-value-missing-currency = The value “{ $text }” has no currency. Add one, e.g. “{ $text } CNY” or “{ $text } USD”.
money-value-currency-conflict = The value “{ $text }” names two currencies, { $first } and { $second }. Use one, e.g. “500 EUR”.
money-value-not-a-number = “{ $text }” is not an amount. Write digits and a currency, e.g. “90,000 CNY”, “350万元” or “$12,700”.

## Quantities

money-quantity-empty = No quantity given. Write a whole number, e.g. “45,000” or “4.5万”.
money-quantity-negative = “{ $text }”: the quantity is negative. Write a number above zero, e.g. “45,000”.
money-quantity-zero = “{ $text }”: the quantity is zero. Write a number above zero, e.g. “45,000”.
money-quantity-not-whole = “{ $text }”: the quantity is not a whole number. Write a count, e.g. “45,000” or “4.5万”.
money-quantity-too-large = “{ $text }”: the quantity is more than 1,000,000,000,000. Check the number, e.g. “1.2 million”.
money-quantity-not-a-number = “{ $text }” is not a quantity. Write plain digits, e.g. “45,000”, “4.5万” or “1.2 million”.
money-quantity-ambiguous = “{ $text }”: is it { $small } or { $large }? A point is a decimal point here and a comma groups thousands: write “{ $large }” or “{ $small }”.
money-double-multiplier = “{ $text }” has two multipliers in a row. Write one, e.g. “1亿”, “100 million” or “4.5万”.
money-item-two-numbers = The line “{ $line }” starts with two numbers. Write one quantity before the item, e.g. “10 masks” or “1,010 masks”.
money-fixed-too-large = The value “{ $text }” is worth more than 1,000,000,000,000 { $currency } at the rate of its value date, the most one donation may hold. Check the amount and the rate.
money-fixed-below-minor = The value “{ $text }” is worth less than one fen (CNY 0.01) or one cent ($0.01). Write an amount of at least 0.01, e.g. “90,000 CNY”.

## Item lists

money-items-empty = No items given. Write “QUANTITY [UNIT] ITEM” lines separated by “;”, e.g. “500 sets protective suits; 45,000 masks”.
money-items-too-many = The list has { $count } lines; at most { $max } are allowed. Split it into several records, e.g. “500 sets protective suits; 45,000 masks”.
money-item-missing-quantity = The line “{ $line }” does not start with a quantity. Put the number first, e.g. “500 { $line }”.
money-item-numeral-without-unit = The line “{ $line }” starts with a number in Chinese numerals but no unit after it. Add the unit, e.g. “五千个口罩”, or write the number in digits, e.g. “5000 masks”.
money-item-missing-item = The line “{ $line }” has a quantity but no item. Say what was given, e.g. “500 sets protective suits”.
money-item-name-too-long = The item name “{ $item }” is longer than { $max } characters. Shorten it, e.g. “500 sets protective suits”.

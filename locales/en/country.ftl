# Errors from parsing a user-supplied country (src/domain/country.rs).
# Arguments: $input (what the user typed), $suggestions ("Germany (DE), Austria (AT)").

country-unknown = I don't know the country “{ $input }”. Did you mean: { $suggestions }?
country-unknown-no-suggestions = I don't know the country “{ $input }”. Please use a country name or a two-letter ISO code such as DE.

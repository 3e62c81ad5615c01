//! Defects of the ledger's numbers, names and records, found through the chat commands.


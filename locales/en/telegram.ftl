# Messages of the Telegram transport.
tg-internal-error = Something went wrong inside amity while answering that. If it was a logging command, check with /history or the lists before sending it again; tell the admin if it persists.
tg-button-expired = That button is too old to use. Send the command again.

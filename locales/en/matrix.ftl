# What the Matrix transport says itself.
mx-choose = Answer with a number (type it, or tap its reaction below):
mx-choice-gone = That number was an answer to an earlier question, which has been replaced since. Send the command again.
mx-undecryptable = I could not read your message: it is end-to-end encrypted and my device never received its keys. Verify my device (or allow sending to unverified devices) and send the message again.
mx-internal-error = Something went wrong inside amity while answering that. If it was a logging command, check with !history or the lists before sending it again; tell the admin if it persists.

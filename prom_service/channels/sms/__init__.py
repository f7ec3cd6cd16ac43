"""The SMS channel: a sender port with a Twilio backend and a built-in simulator, message text that fits
in few GSM-7 segments, forgiving reply parsing, opt-out keywords, and the checks at the webhook edge.

Nothing here decides *whether* to send; the dispatcher and the answer-recording service do, and call in.
"""

"""What each command does, as library functions: no options, no terminal, no printing.

The CLI parses its options, calls one function here and renders the result (as
sqlite-utils and llm do). `actions.check` holds the check (prefill, assess,
store); `actions.diary` the diary's verbs. Questions a function may need to ask
arrive as callables, so nothing here imports questionary; failures are
KneecheckErrors with one-line messages.
"""

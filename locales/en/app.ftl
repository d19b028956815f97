# The app's words outside the window: the tray menu and the desktop reminders, in English:
# the source every other language translates. Formatted by fluent-rs (lastmile-agent's
# `words`), which also reads window.ftl for the words both share (the next steps, problems).

tray-title = Lastmile
tray-open = Open Lastmile
tray-quit = Quit Lastmile
tray-standing-met = You meet { $organisation }'s policy
tray-standing-excepted = Covered by an exception from { $organisation }
tray-standing-gap = { $organisation } asks for one more step
tray-standing-unknown = Joined { $organisation }; standing not known yet
tray-not-set-up = Not set up yet
tray-join = Join your organisation…
tray-fix = Open Lastmile to fix this…
tray-step = { $step }…
reminder-summary = { $organisation } asks you to finish setting up MFA
reminder-body = { $days ->
    [none] Next: { $step }. Open Lastmile; it takes about a minute.
    [one] Next, within a day: { $step }. Open Lastmile; it takes about a minute.
   *[other] Next, within { $days } days: { $step }. Open Lastmile; it takes about a minute.
}

## lastmile status, at a terminal

cli-device = Device
cli-keys = Keys
cli-keys-none = none found
cli-key = Key
cli-key-unknown-model = unknown model
cli-platform = Platform
cli-tpm = TPM
cli-server = Server
cli-server-not-configured = not configured
cli-server-reachable = reachable
cli-server-unreachable = not reachable
cli-clock = Clock
cli-joined = Joined
cli-joined-as = { $organisation } as { $email }
cli-joined-no = no
cli-standing = Standing
cli-next = Next
cli-next-command = { $step }: { $command }

## lastmile clock, and the clock warnings of lastmile enroll totp and lastmile recover

cli-clock-unmeasured = The clock could not be measured.
cli-clock-is = This device's clock is { $offset } { $uncertainty }: { $verdict ->
    [ok] fine for authenticator codes.
    [warn] authenticator codes may fail.
   *[fail] authenticator codes will fail.
}
cli-clock-offset-ntp = { $direction ->
    [ahead] { $amount } ahead of NTP server { $server }
    [behind] { $amount } behind NTP server { $server }
   *[same] in step with NTP server { $server }
}
cli-clock-ntp-unmeasured = NTP server { $server }: not measured ({ $reason })
cli-clock-note = Note: { $note }.
cli-clock-fix = To fix it:
cli-clock-totp-warning = Warning: this device's clock is { $offset }. Codes are computed from the time, so fix the clock on this device and on your phone first:
cli-clock-recover-note = Note: this device's clock is { $offset }. Recovery works regardless, but fix the clock before setting up an authenticator app:

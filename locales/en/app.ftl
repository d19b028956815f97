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

## The terminal's journeys: lastmile enroll, key pin, recover and join

cli-totp-scan = { $recommended ->
    [none] Scan this QR code with your authenticator app (Microsoft Authenticator, Google Authenticator, 1Password, Authy, ...):
   *[some] Scan this QR code with an authenticator app { $organisation } recommends ({ $apps }):
}
cli-totp-by-hand = Or add it by hand as a time-based key:
cli-totp-account = account:
cli-totp-issuer = issuer:
cli-totp-key = key:
cli-totp-unusual = Note: your organisation asks for { $digits } digits every { $period } s with { $algorithm }; some apps ignore these settings.
cli-totp-code = Code from the app:
cli-totp-abandoned = no code entered; the authenticator app was not verified
cli-totp-verified = Verified by the server: your authenticator app is now a { $tier } factor.
cli-codes-intro = Your new recovery codes (any previous ones stopped working just now). Each works once.
    Keep them somewhere safe and away from this device: a password manager, or on paper.
cli-codes-saved = Saved to { $path } (readable only by you).
cli-codes-not-saved = could not save the codes to { $path }: { $error }
cli-codes-confirm = Type one of the codes to confirm you kept them:
cli-codes-abandoned = not confirmed; the codes work, but count only once you confirm one
cli-codes-confirmed = Confirmed by the server: your recovery codes now count.
cli-key-plug-in = Plug in your security key (only that one), then follow the prompts.
cli-key-plug-in-for-pin = Plug in your security key (only that one).
cli-key-insert = Insert your security key (waiting up to a minute; Ctrl+C to stop).
cli-key-pin = PIN of your security key (not shown):
cli-key-current-pin = Current PIN of your security key (not shown):
cli-key-choose-pin = Choose the new PIN ({ $n } characters or more).
cli-key-pin-required = Your organisation requires a PIN on the key, and it has none yet. Choose one ({ $n } characters or more); the key will ask for it from now on.
cli-key-new-pin = New PIN (not shown):
cli-key-new-pin-again = The same PIN again:
cli-key-pins-differ = The two PINs differ; nothing was set.
cli-key-touch = Touch your security key now.
cli-key-touch-again = Touch your security key again, so the server can verify it.
cli-key-system = Windows shows its own window now (Windows Security): choose your security key or Windows Hello there, and follow it.
cli-key-pin-done = { $action ->
    [set] The PIN of your { $key } is set. The key asks for it from now on; nobody else knows it.
   *[changed] The PIN of your { $key } is changed. The key asks for it from now on; nobody else knows it.
}
cli-key-verified = Verified by the server: your { $key } is now a { $tier } factor.
cli-key-genuine = The server checked the key's attestation against the FIDO metadata: the model is genuine.
cli-tier = { $tier ->
    [phishing_resistant] phishing-resistant
    [strong] strong
    [recovery] recovery
   *[other] weak
}
cli-recover-continuing = Continuing your recovery session (it ends at { $time }).
cli-recover-nothing-lost = Nothing is lost: run `lastmile recover` again to continue.
cli-recover-revoked = { $n ->
    [one] Revoked 1 item(s): it stopped working just now.
   *[other] Revoked { $n } item(s): they stopped working just now.
}
cli-recover-now-app = Now set up an authenticator app on your new phone.
cli-recover-run-again = Run `lastmile recover` again to continue (your session stays open for 30 minutes).
cli-recover-finally = Finally, a fresh set of recovery codes (the old ones stop working now).
cli-recover-done = Recovered. This device is joined; the recovery session is closed.
cli-recover-email = Your work email address:
cli-recover-no-email = no email address given
cli-recover-code = One of your recovery codes:
cli-recover-no-code = no recovery code given; nothing was changed
cli-recover-signed-in = { $resumed ->
    [yes] Signed in as { $name } <{ $email }> ({ $organisation }), continuing an earlier attempt. That code is now used up; { $left } left in the old set.
   *[no] Signed in as { $name } <{ $email }> ({ $organisation }). That code is now used up; { $left } left in the old set.
}
cli-recover-session-ends = Your recovery session ends at { $time }.
cli-recover-list = Your factors and devices:
cli-recover-codes-left = { $n } codes left
cli-recover-set-up-from = set up from { $host }
cli-recover-device = device { $host } ({ $os })
cli-recover-this-device = this device
cli-recover-which = Which did you lose? Numbers separated by spaces, `all`, or Enter for none:
cli-recover-no-answer = no answer; nothing was revoked
cli-recover-not-a-number = "{ $word }" is not one of the numbers 1 to { $n }
cli-kind = { $kind ->
    [totp] authenticator app
    [recovery_codes] recovery codes
    [security_key] security key
    [platform_authenticator] built-in authenticator
   *[other] { $kind }
}
cli-status-word = { $status ->
    [verified] verified
    [pending] pending
    [revoked] revoked
   *[other] { $status }
}
cli-joined = Joined { $organisation } as { $name } <{ $email }>.
    This device ({ $device }) reports to { $server }.

## The terminal's other answers: report, leave, reset, support-bundle

cli-report-stored = Report stored. The server has { $reports ->
    [one] one report
   *[other] { $reports } reports
} from this device and { $factors ->
    [0] no verified factor
    [one] one verified factor
   *[other] { $factors } verified factors
}.
cli-report-stored-count = Report stored. The server has { $reports ->
    [one] one report
   *[other] { $reports } reports
} from this device.
cli-report-not-due = No report due yet: the next in about { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}. Queued reports were sent.
cli-report-not-joined = This device has not joined an organisation; nothing to report.
cli-left = This device left its organisation; its credential was removed from the keyring.
cli-not-joined = This device had not joined an organisation; nothing to do.
cli-support-bundle = Wrote { $path } ({ $files }). Attach it to your helpdesk ticket; it holds no credentials.
cli-reset-gone = Lastmile's files and credentials for you on this device are gone.
cli-reset-imaging = This device has no identity now: an image taken of it will join as a new device.
cli-reset-keyring = keyring entries removed: { $n }
cli-reset-no-files = no files to remove
cli-reset-removed = removed { $path }
cli-reset-server = The server still lists the device until IT removes it.

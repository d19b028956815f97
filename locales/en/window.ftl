# The window's words, in English: the source every other language translates.
# Project Fluent syntax (https://projectfluent.org). Values in { $braces } come from the app;
# plurals and choices are selectors, never sentences glued together in code.

app-name = Lastmile
app-loading = Checking this device…
footer = Lastmile { $version } · checked at { $time }

## Header

header-managed-by = Managed by { $organisation }
header-help = Get help
header-checking = Checking…
header-check-again = Check again

## Common actions and values

action-cancel = Cancel
action-confirm = Confirm
action-continue = Continue
action-preparing = Preparing…
action-verify = Verify
value-yes = Yes
value-no = No
value-unknown = Unknown
duration-ms = { $n } ms
duration-s = { NUMBER($n, maximumFractionDigits: 1, minimumFractionDigits: 1) } s

## This device

device-title = This device
device-system = System
device-architecture = Architecture
device-name = Name
device-kernel = Kernel

## Authenticators

authenticators-title = Authenticators
keys-title = Security keys
keys-none = None found
key-aaguid = AAGUID
key-pin = PIN { $state ->
    [set] set
    [unset] not set
   *[unsupported] not supported
}
key-fingerprint = Fingerprint { $enrolled ->
    [yes] enrolled
   *[no] not enrolled
}
key-passkeys = Passkeys { $supported ->
    [yes] supported
   *[no] not supported
}
key-min-pin = PIN ≥ { $n }
key-firmware = Firmware { $version }
platform-windows-hello = Windows Hello
platform-touch-id = Touch ID
platform-none = Platform authenticator
platform-checked-at-enrollment = Checked at enrollment
tpm-title = TPM

## Server and clock

server-title = Server
server-address = Address
server-status = Status
server-not-configured = Not configured
server-reachable = Reachable (version { $version })
server-unreachable = Not reachable
clock-title = Clock
clock-verdict-ok = Good for codes
clock-verdict-warn = Codes may fail
clock-verdict-fail = Codes will fail
clock-offset = { $direction ->
    [ahead] { $amount } ahead of the server
    [behind] { $amount } behind the server
   *[same] in step with the server
}
clock-uncertainty = (±{ $ms } ms)
clock-not-measured = Not measured: the server is not reachable.

## Settings

settings-title = Settings
settings-start-at-login = Start Lastmile when I log in
settings-start-at-login-locked = Your organisation decides this.
settings-language = Language
settings-language-system = The system's language
settings-language-note = The window, the tray, reminders and the terminal commands speak it.
settings-language-locked = Your organisation sets the language.
settings-start-at-login-note = It opens only when something needs doing, and stays in the tray otherwise.
setting-server-url = Server
setting-organisation = Organisation
setting-report-interval-minutes = Report every (minutes)
setting-proxy-url = Proxy
setting-ntp-servers = NTP servers
setting-sso-provider = Sign-in
setting-managed-by = Managed by
setting-support-url = Help
setting-log-level = Log level
setting-invite = Invite
setting-ca-bundle = Extra trusted certificates
setting-reminders = Reminders
setting-quiet-hours = Quiet hours
setting-autostart = Start at login
setting-locale = Language
setting-source-managed = Set by your organisation
setting-source-command-line = Command line
setting-source-user = Your setting
setting-source-default = Default

## Your organisation: joining, standing, factors

join-invite-label = Invite code or link from your IT team
join-invite-label-or = Or an invite code or link from your IT team
join-button = Join
join-busy = Joining…
join-done = Joined { $organisation } as { $name }.
join-link-server = This invite connects you to { $server }.
keyring-missing = This device has no usable keyring, so Lastmile cannot keep its sign-in safe:
server-view = { $factors ->
    [0] No factor of yours is verified yet.
    [one] One factor of yours is verified.
   *[other] { $factors } factors of yours are verified.
} { $reports ->
    [0] This device has not reported yet.
    [one] This device has reported once.
   *[other] This device has reported { $reports } times.
}
outbox-waiting = { $n ->
    [one] One report is waiting to be sent.
   *[other] { $n } reports are waiting to be sent.
}
outbox-waiting-next = { $n ->
    [one] One report is waiting to be sent; next try at { $time }.
   *[other] { $n } reports are waiting to be sent; next try at { $time }.
}
standing-met = You meet { $organisation }'s policy{ $group ->
    [none] {""}
   *[other] {" "}(group { $group })
}.
standing-excepted = The exception lasts until { $until }. Until then, add what is still missing:
standing-deadline = Needed by { $deadline }.
standing-level-remind = Reminder
standing-level-warn = Warning
standing-level-block = Blocked
factor-totp = Authenticator app
factor-recovery-codes = Recovery codes
factor-security-key = Security key
factor-platform-authenticator = Built-in authenticator
factor-certified = FIDO Certified { $level }
factor-verified-at = verified { $when }
tier-phishing-resistant = Phishing-resistant
tier-strong = Strong
tier-recovery = Recovery
tier-weak = Weak

## Joining with the organisation's sign-in

sso-sign-in-with = Sign in with { $organisation }
sso-sign-in-with-provider = Sign in with { $organisation }: { $provider }
sso-continue-in-browser = Continue in your browser.
sso-waiting = Sign in with { $provider } there; this window follows on its own.
sso-opening-browser = Opening your browser…
sso-no-browser = If no browser opened, open this address in yours:
sso-explained = You sign in in your browser, with your usual work account.
sso-org-label = Your organisation's short name (your IT team knows it)
sso-ask-open = No invite? Sign in with your organisation's account

## Security key

key-pin-label = The PIN of your security key
key-new-pin-why = Your organisation requires a PIN on the key, and it has none yet. Choose one: the key will ask for it from now on.
key-new-pin-label = New PIN ({ $n } characters or more)
key-new-pin-again = Again
key-new-pin-again-label = The same PIN again
key-set-pin = Set PIN
key-pin-too-short = At least { $n } characters.
key-pins-differ = The two PINs differ.
key-waiting-looking = Looking for your security key…
key-waiting-insert = Insert your security key (only that one).
key-waiting-touch = Touch your security key now (it blinks).
key-waiting-touch-again = Touch it once more, so the server can verify it.
key-waiting-working = Working…
key-waiting-system = Windows shows its own window now: choose your security key or Windows Hello there, and follow it.
key-waiting-system-again = Windows asks once more, so the server can verify: follow its window again.
key-system-note = That window belongs to Windows (Windows Security), not to Lastmile; it asks for the PIN and the touch itself. Lastmile goes on when it closes.

## Authenticator app

totp-clock-off = this device's clock is { $offset }. Fix it first:
totp-step-open = Open your authenticator app (Microsoft Authenticator, Google Authenticator, 1Password, Authy…), add an account and scan this code.
totp-step-open-recommended = { $organisation } recommends { $apps }. { $count ->
    [one] Open it, add an account and scan this code.
   *[other] Open one of them, add an account and scan this code.
}
totp-qr-alt = QR code for your authenticator app
totp-step-by-hand = Cannot scan it? Add a time-based key by hand:
totp-code-label = Type the { $digits }-digit code it shows
totp-unusual = Your organisation asks for { $digits } digits every { $period } s; some apps ignore this.

## Recovery codes

recovery-shown = Your new recovery codes. Each works once; any previous ones stopped working just now. Keep them away from this device.
recovery-save = Save to file
recovery-print = Print
recovery-copy = Copy
recovery-saved = Saved to { $path } (readable only by you).
recovery-copied = Copied. Paste them into your password manager, then clear the clipboard.
recovery-copy-failed = This system does not let the app copy; use Save or Print instead.
recovery-confirm-label = Type one of them to confirm you kept them

## Recovering after losing a device

recover-open-joined = Lost your phone or key? Recover with a recovery code
recover-open-not-joined = No invite because you lost your device? Recover with a recovery code
recover-title = Recover after losing a device
recover-intro = Use one of the recovery codes you saved. It works once.
recover-server-label = Server address (from your IT team)
recover-user-label = Your work email address
recover-code-label = Recovery code
recover-more-options = More options
recover-org-label = Organisation (only if your IT team gave you one)
recover-sign-in = Sign in
recover-continuing = Continuing your recovery session.
recover-signed-in = Signed in as { $name } ({ $organisation }){ $resumed ->
    [yes] , continuing an earlier attempt
   *[no] {""}
}. That code is used up; { $left } left in the old set. The session ends at { $until }.
recover-clock = This device's clock is { $offset }. Recovery works regardless, but authenticator codes will fail until it is fixed:
recover-revoke-intro = Revoke everything you lost. It stops working at once.
recover-factor-state = { $verified ->
    [yes] verified
   *[no] not verified
}{ $left ->
    [none] {""}
    [one] , one code left
   *[other] , { $left } codes left
}{ $from ->
    [none] {""}
   *[other] , set up from { $from }
}
recover-device-state = { $os } · joined { $joined }{ $current ->
    [yes] {" "}· this device
   *[no] {""}
}
recover-revoke = Revoke
recover-revoked = Revoked: { $list }.
recover-next-factor = Next: a new authenticator app
recover-factor-intro = Set up an authenticator app on your new phone.
recover-codes-intro = Last step: fresh recovery codes. The old set stops working when you get them.
recover-done = Recovered. This device is joined and the recovery session is closed.

## Problems the app found (one message and one hint per problem code; the app's own words,
## in English and with the specifics, are shown below them for the IT team)

problem-managed_settings_invalid = Your organisation's settings for Lastmile cannot be used.
problem-managed_settings_invalid-hint = Tell your IT team: the device-management profile for Lastmile has an error. Until it is fixed, Lastmile does nothing on its own.
problem-user_settings_invalid = Your own Lastmile settings file cannot be used, so it was ignored.
problem-user_settings_invalid-hint = Fix or delete the file; Lastmile did not change it.
problem-local_state_corrupt = Lastmile's record of this device cannot be read.
problem-local_state_corrupt-hint = Lastmile kept the file. Joining again moves it aside and starts afresh.
problem-no_server = No Lastmile server is set up on this device.
problem-no_server-hint = Open the invite link from your IT team, or sign in with your organisation's account.
problem-server_unreachable = This device cannot reach the Lastmile server.
problem-server_unreachable-hint = Check your network connection. Lastmile keeps working offline and reports when the server is back.
problem-server_error = The Lastmile server answered with an error.
problem-server_error-hint = Try again later, or tell your IT team.
problem-device_not_recognised = The server no longer recognises this device.
problem-device_not_recognised-hint = It may have been revoked. Ask your IT team for a new invite, or recover with a recovery code if you lost a device.
problem-keyring_unavailable = This device has no usable keyring, so Lastmile cannot keep its sign-in safe.
problem-keyring_unavailable-hint = Lastmile keeps its credential only in the system's keyring. Unlock it (on Linux: GNOME Keyring or KWallet), then check again.
problem-not_joined = This device has not joined your organisation yet.
problem-not_joined-hint = Join with the invite code or link from your IT team, or with your organisation's sign-in.
problem-clock_fail = This device's clock is { $offset }: authenticator codes will fail.
problem-clock_fail-hint = Set the clock right: the steps for this device are under Clock.
problem-clock_warn = This device's clock is { $offset }: authenticator codes may fail.
problem-clock_warn-hint = Set the clock right: the steps for this device are under Clock.
problem-managed_settings_unknown = Your organisation's settings name something this version of Lastmile does not know.
problem-managed_settings_unknown-hint = The other settings apply. A profile for a newer Lastmile? Update the app; otherwise tell your IT team.

## Errors of what the person asked for (one message and one hint per error code; the app's
## own words, in English and with the specifics, are shown below them)

error-invalid_input = That is not something Lastmile can use.
error-invalid_input-hint = Check what you typed or pasted, and try again.
error-managed_setting = Your organisation has set this, so it cannot be changed here.
error-managed_setting-hint = Ask your IT team if it should be different.
error-config_invalid = A settings file of Lastmile cannot be read.
error-config_invalid-hint = Fix or delete the file named below; Lastmile did not change it.
error-no_server = No Lastmile server is set up on this device.
error-no_server-hint = Use the invite link from your IT team: it names the server.
error-server_unreachable = The Lastmile server cannot be reached.
error-server_unreachable-hint = Check your network connection and try again.
error-server_error = The Lastmile server answered with an error.
error-server_error-hint = Try again in a moment; if it keeps happening, tell your IT team.
error-invite_invalid = That invite is not valid.
error-invite_invalid-hint = Paste the whole code or link from your invite, exactly as you received it.
error-invite_expired = That invite has expired.
error-invite_expired-hint = Ask your IT team for a new one.
error-invite_used = That invite has already been used.
error-invite_used-hint = Each invite works once. Ask your IT team for a new one.
error-keyring_unavailable = This device has no usable keyring, so Lastmile cannot keep its sign-in safe.
error-keyring_unavailable-hint = Unlock the system's keyring (on Linux: GNOME Keyring or KWallet), then try again.
error-already_joined = This device has already joined an organisation.
error-already_joined-hint = To join another one, leave the current one first.
error-not_joined = This device has not joined your organisation yet.
error-not_joined-hint = Join first, with an invite or your organisation's sign-in.
error-totp_invalid = That code is not right.
error-totp_invalid-hint = Type the code your authenticator app shows now; codes change every 30 seconds.
error-totp_replayed = That code was already used.
error-totp_replayed-hint = Wait for the next code in your authenticator app, then type it.
error-recovery_code_invalid = That recovery code is not right.
error-recovery_code_invalid-hint = Check it against the codes you saved; each works only once.
error-recovery_refused = Those details do not match a recovery code.
error-recovery_refused-hint = Check the email address and the code. After several tries, wait a few minutes.
error-recovery_session_expired = Your recovery session has ended.
error-recovery_session_expired-hint = Sign in again with another of your recovery codes.
error-device_revoked = This device has been revoked.
error-device_revoked-hint = Ask your IT team for a new invite, or recover with a recovery code.
error-key_missing = No security key was found, or more than one.
error-key_missing-hint = Plug in exactly one security key, then try again.
error-key_pin_wrong = That PIN is not right.
error-key_pin_wrong-hint = Try again carefully: after too many wrong PINs the key locks itself.
error-key_pin_blocked = The security key's PIN is blocked.
error-key_pin_blocked-hint = The key must be reset before it can be used again; ask your IT team.
error-key_cancelled = The security key was not touched in time, or you cancelled.
error-key_cancelled-hint = Start again and touch the key when it blinks.
error-key_excluded = This security key is already registered.
error-key_excluded-hint = It already counts for you; nothing more to do with it.
error-key_not_allowed = Your organisation does not accept this model of security key.
error-key_not_allowed-hint = Ask your IT team which keys they accept.
error-key_permission = This device does not let Lastmile use the security key.
error-key_permission-hint = Your IT team can allow it (on Linux, a udev rule for security keys).
error-key_failed = The security key could not be registered.
error-key_failed-hint = Unplug it, plug it in again, and try once more.
error-sso_unavailable = Your organisation has no sign-in to join with.
error-sso_unavailable-hint = Join with an invite from your IT team instead.
error-sso_cancelled = The sign-in was cancelled, or did not come back in time.
error-sso_cancelled-hint = Start again when you are ready.
error-sso_failed = The sign-in could not be completed.
error-sso_failed-hint = Try again; if it keeps failing, tell your IT team.
error-sso_not_allowed = You signed in, but your account may not join this way.
error-sso_not_allowed-hint = Ask your IT team for an invite.
error-rate_limited = Too many tries in a short time.
error-rate_limited-hint = Wait a few minutes, then try again.
error-local_state = Lastmile could not read or save its record of this device.
error-local_state-hint = The details below name the file. Check that the disk is not full; joining again starts a fresh record.
error-internal = Something went wrong inside Lastmile.
error-internal-hint = Try again; if it keeps happening, send a support bundle to your IT team (lastmile support-bundle).
## Screens: the overview and the details

nav-label = Screens
nav-details = Details
nav-overview = Overview
nav-home-announce = Overview
details-title = Details
details-intro = Everything Lastmile knows about this device, for your IT team.
account-title = Your account
account-name = Name
account-email = Email
account-organisation = Organisation
account-device-id = Device ID
home-join-title = Join your organisation
home-join-intro = Lastmile checks that your sign-in is protected, and shows your IT team that it is. First, connect this device to your organisation.
standing-met-title = You're all set
standing-gap-title = { $organisation } asks for one more step
standing-excepted-title = Covered by an exception from { $organisation }
standing-needs = Still missing:
standing-unknown-title = Your standing is not known yet
standing-unknown = The server has not answered yet. Lastmile tries again on its own.
need-tier = { $tier ->
    [phishing_resistant] A phishing-resistant way to sign in: a security key or a built-in authenticator
    [strong] A strong way to sign in: an authenticator app or a security key
    [recovery] Recovery codes or a stronger way to sign in
   *[other] Any verified way to sign in
}
need-factors = { $need ->
    [one] One verified way to sign in
   *[other] { $need } verified ways to sign in
} (you have { $have })
need-recovery-codes = Recovery codes, saved and confirmed
next-security-key = { $model ->
    [none] Register the security key that is plugged in
   *[other] Register your { $model }
}
next-plug-in-security-key = Plug in a security key to register it
next-platform-authenticator = Set up Windows Hello
next-platform-authenticator-note = Set it up in Windows Settings, under Accounts, Sign-in options; Lastmile sees it on its next check.
next-totp = Set up an authenticator app
next-recovery-codes = Get recovery codes
factors-title = Your ways to sign in
add-title = Add another way to sign in
add-security-key = Security key
add-security-key-note = The strongest: it cannot be phished.
add-totp = Authenticator app
add-totp-note = A code from an app on your phone.
add-recovery-codes = Recovery codes
add-recovery-codes-new = New recovery codes
add-recovery-codes-note = For when you lose this device. New ones void the old.

## Flows: one task in the whole window

flow-back = Back
flow-progress = Step { $n } of { $total }: { $label }
action-try-again = Try again
key-flow-title = Add a security key
key-step-connect = Connect your key
key-step-register = Register it
key-step-verify = Verify it
key-insert-note = Use the USB port or hold it to the NFC reader.
key-touch-note = Touch the metal contact or the button on the key.
totp-flow-title = Add an authenticator app
totp-step-scan-title = Scan the code
totp-step-code-title = Type a code
totp-next = I have added it
totp-show-again = Show the code again
recovery-flow-title = Get recovery codes
recovery-step-save = Save them
recovery-step-confirm = Confirm one
recovery-next = I have kept them
recovery-next-note = Save, print or copy them first.
recovery-show-again = Show the codes again
recovery-replace-warning = You have recovery codes already. New ones replace them: the ones you have stop working at once.
recovery-replace = Make new codes
recover-step-sign-in = Sign in with a recovery code
recover-step-review = Remove what you lost
recover-step-factor = A new authenticator app
recover-step-codes = New recovery codes
recover-skip-factor = Skip: I have another way to sign in
success-key = Your { $name } is verified by { $organisation }.
success-totp = Your authenticator app is verified by { $organisation }.
success-recovery = Your recovery codes are confirmed by { $organisation }.
success-met = You meet { $organisation }'s policy.
success-excepted = An exception from { $organisation } covers you for now.
success-more = { $organisation } asks for one more step.
success-next = Next: { $step }
success-later = Later
success-done = Done

## Fixing a wrong clock, for the person's own system (the steps the window and the terminal show)

clockfix-windows-1 = Open Settings > Time & language > Date & time.
clockfix-windows-2 = Turn on "Set time automatically" and "Set time zone automatically".
clockfix-windows-3 = Click "Sync now" (or run `w32tm /resync` in an administrator terminal).
clockfix-macos-1 = Open System Settings > General > Date & Time.
clockfix-macos-2 = Turn on "Set time and date automatically" (source: time.apple.com).
clockfix-macos-3 = If it is already on, turn it off and on again to sync now.
clockfix-gnome-1 = Open Settings > System > Date & Time.
clockfix-gnome-2 = Turn on "Automatic Date & Time" and "Automatic Time Zone".
clockfix-gnome-3 = If the clock stays wrong, run `timedatectl set-ntp true` and check `timedatectl timesync-status`.
clockfix-kde-1 = Open System Settings > Date & Time (Region & Language > Date & Time on Plasma 6).
clockfix-kde-2 = Check "Set date and time automatically" and apply.
clockfix-kde-3 = If the clock stays wrong, run `timedatectl set-ntp true` and check `timedatectl timesync-status`.
clockfix-systemd-1 = Run `sudo timedatectl set-ntp true` to turn on systemd-timesyncd.
clockfix-systemd-2 = Check it with `timedatectl timesync-status` ("System clock synchronized: yes").
clockfix-systemd-3 = If your network blocks public NTP, set NTP= in /etc/systemd/timesyncd.conf to your company's server.
clockfix-other-1 = Turn on automatic network time (NTP) in your system's date and time settings.
clockfix-other-2 = Check that the time zone is right: a wrong zone looks like a clock that is hours off.

## What this device has, as the app found it (worded from its notes; Details and lastmile status)

keys-note-none_plugged = no USB security key is plugged in
keys-note-no_permission = { $attached ->
    [one] a FIDO device is attached
   *[other] { $attached } FIDO devices are attached
}, but this user may not open { $nodes }. Install a udev rule that gives access to FIDO keys (systemd 252 and later tag them by themselves; on older systems add a rule with TAG+="uaccess" for the key's USB vendor to /etc/udev/rules.d/70-fido.rules), then unplug the key and plug it in again.
keys-note-windows_administrators_only = Windows lets only Administrators talk to security keys directly; Lastmile reaches them through the Windows WebAuthn API when you add one
keys-note-no_usb_support = this build of Lastmile has no USB security-key support
keys-note-scan_failed = the USB devices could not be listed ({ $error })
platform-note-windows_hello = The Windows WebAuthn API (version { $api_version }) is present; Windows asks for Hello (face, fingerprint or PIN) when you add it.
platform-note-windows_no_webauthn = This Windows has no WebAuthn API (Windows 10 1903 or later is needed).
platform-note-touch_id = Touch ID is registered through the browser or the Passwords app; Lastmile cannot add it directly, so use a security key or an authenticator app here.
platform-note-fingerprint_reader = This computer has a fingerprint reader ({ $reader }), but on Linux it serves the login screen (fprintd), not WebAuthn, so Lastmile cannot make it a factor: use a security key, or an authenticator app with recovery codes.
platform-note-linux = Linux has no platform authenticator for WebAuthn; use a security key, or an authenticator app with recovery codes.
platform-note-other_os = This system has no platform authenticator Lastmile can use; use a security key, or an authenticator app with recovery codes.
tpm-note-linux_device = { $version ->
    [unknown] a TPM (version unknown) is at /dev/tpm0
   *[other] TPM { $version } found at /dev/tpm0
}
tpm-note-linux_none = no TPM is exposed by the kernel (/sys/class/tpm)
tpm-note-windows_device = a TPM 2.0 device is present
tpm-note-windows_none = no TPM 2.0 device is enumerated
tpm-note-mac_secure_enclave = Macs have no TPM; Apple silicon and T2 Macs have a Secure Enclave instead
tpm-note-unknown = TPM detection is not available on this system

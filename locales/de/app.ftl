# Die Wörter der App außerhalb des Fensters: das Menü im Infobereich und die Erinnerungen.

tray-title = Lastmile
tray-open = Lastmile öffnen
tray-quit = Lastmile beenden
tray-standing-met = Sie erfüllen die Richtlinie von { $organisation }
tray-standing-excepted = Durch eine Ausnahme von { $organisation } abgedeckt
tray-standing-gap = { $organisation } bittet um einen weiteren Schritt
tray-standing-unknown = { $organisation } beigetreten; Stand noch nicht bekannt
tray-not-set-up = Noch nicht eingerichtet
tray-join = Ihrer Organisation beitreten…
tray-fix = Lastmile öffnen, um das zu beheben…
tray-step = { $step }…
reminder-summary = { $organisation } bittet Sie, die MFA-Einrichtung abzuschließen
reminder-body = { $days ->
    [none] Als Nächstes: { $step }. Öffnen Sie Lastmile; es dauert etwa eine Minute.
    [one] Als Nächstes, innerhalb eines Tages: { $step }. Öffnen Sie Lastmile; es dauert etwa eine Minute.
   *[other] Als Nächstes, innerhalb von { $days } Tagen: { $step }. Öffnen Sie Lastmile; es dauert etwa eine Minute.
}

## lastmile status, at a terminal

cli-device = Gerät
cli-keys = Schlüssel
cli-keys-none = keine gefunden
cli-key = Schlüssel
cli-key-unknown-model = unbekanntes Modell
cli-platform = Plattform
cli-tpm = TPM
cli-server = Server
cli-server-not-configured = nicht eingerichtet
cli-server-reachable = erreichbar
cli-server-unreachable = nicht erreichbar
cli-clock = Uhr
cli-joined = Beigetreten
cli-joined-as = { $organisation } als { $email }
cli-joined-no = nein
cli-standing = Stand
cli-next = Als Nächstes
cli-next-command = { $step }: { $command }

## lastmile clock, and the clock warnings of lastmile enroll totp and lastmile recover

cli-clock-unmeasured = Die Uhr konnte nicht gemessen werden.
cli-clock-is = Die Uhr dieses Geräts geht { $offset } { $uncertainty }: { $verdict ->
    [ok] gut für Authenticator-Codes.
    [warn] Authenticator-Codes können fehlschlagen.
   *[fail] Authenticator-Codes werden fehlschlagen.
}
cli-clock-offset-ntp = { $direction ->
    [ahead] { $amount } vor dem NTP-Server { $server }
    [behind] { $amount } hinter dem NTP-Server { $server }
   *[same] im Gleichschritt mit dem NTP-Server { $server }
}
cli-clock-ntp-unmeasured = NTP-Server { $server }: nicht gemessen ({ $reason })
cli-clock-note = Hinweis: { $note }.
cli-clock-fix = So beheben Sie es:
cli-clock-totp-warning = Achtung: Die Uhr dieses Geräts geht { $offset }. Codes werden aus der Uhrzeit berechnet; stellen Sie deshalb zuerst die Uhr dieses Geräts und die Ihres Telefons richtig:
cli-clock-recover-note = Hinweis: Die Uhr dieses Geräts geht { $offset }. Die Wiederherstellung funktioniert trotzdem, aber stellen Sie die Uhr richtig, bevor Sie eine Authenticator-App einrichten:

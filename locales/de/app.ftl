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

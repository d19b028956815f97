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

## The terminal's journeys: lastmile enroll, key pin, recover and join

cli-totp-scan = { $recommended ->
    [none] Scannen Sie diesen QR-Code mit Ihrer Authenticator-App (Microsoft Authenticator, Google Authenticator, 1Password, Authy …):
   *[some] Scannen Sie diesen QR-Code mit einer Authenticator-App, die { $organisation } empfiehlt ({ $apps }):
}
cli-totp-by-hand = Oder fügen Sie ihn von Hand als zeitbasierten Schlüssel hinzu:
cli-totp-account = Konto:
cli-totp-issuer = Aussteller:
cli-totp-key = Schlüssel:
cli-totp-unusual = Hinweis: Ihre Organisation verlangt { $digits } Ziffern alle { $period } s mit { $algorithm }; manche Apps ignorieren diese Einstellungen.
cli-totp-code = Code aus der App:
cli-totp-abandoned = kein Code eingegeben; die Authenticator-App wurde nicht bestätigt
cli-totp-verified = Vom Server bestätigt: Ihre Authenticator-App ist jetzt ein { $tier } Faktor.
cli-codes-intro = Ihre neuen Wiederherstellungscodes (frühere funktionieren ab sofort nicht mehr). Jeder funktioniert einmal.
    Bewahren Sie sie sicher und getrennt von diesem Gerät auf: in einem Passwortmanager oder auf Papier.
cli-codes-saved = Gespeichert in { $path } (nur für Sie lesbar).
cli-codes-not-saved = die Codes konnten nicht in { $path } gespeichert werden: { $error }
cli-codes-confirm = Geben Sie einen der Codes ein, um zu bestätigen, dass Sie sie aufbewahrt haben:
cli-codes-abandoned = nicht bestätigt; die Codes funktionieren, zählen aber erst, wenn Sie einen bestätigen
cli-codes-confirmed = Vom Server bestätigt: Ihre Wiederherstellungscodes zählen jetzt.
cli-key-plug-in = Stecken Sie Ihren Sicherheitsschlüssel ein (nur diesen einen) und folgen Sie dann den Hinweisen.
cli-key-plug-in-for-pin = Stecken Sie Ihren Sicherheitsschlüssel ein (nur diesen einen).
cli-key-insert = Stecken Sie Ihren Sicherheitsschlüssel ein (es wird bis zu einer Minute gewartet; Strg+C bricht ab).
cli-key-pin = PIN Ihres Sicherheitsschlüssels (wird nicht angezeigt):
cli-key-current-pin = Aktuelle PIN Ihres Sicherheitsschlüssels (wird nicht angezeigt):
cli-key-choose-pin = Wählen Sie die neue PIN ({ $n } Zeichen oder mehr).
cli-key-pin-required = Ihre Organisation verlangt eine PIN auf dem Schlüssel, und er hat noch keine. Wählen Sie eine ({ $n } Zeichen oder mehr); der Schlüssel fragt ab jetzt danach.
cli-key-new-pin = Neue PIN (wird nicht angezeigt):
cli-key-new-pin-again = Dieselbe PIN noch einmal:
cli-key-pins-differ = Die beiden PINs unterscheiden sich; es wurde nichts gesetzt.
cli-key-touch = Berühren Sie jetzt Ihren Sicherheitsschlüssel.
cli-key-touch-again = Berühren Sie Ihren Sicherheitsschlüssel noch einmal, damit der Server ihn prüfen kann.
cli-key-system = Windows zeigt jetzt ein eigenes Fenster (Windows-Sicherheit): Wählen Sie dort Ihren Sicherheitsschlüssel oder Windows Hello und folgen Sie den Schritten.
cli-key-pin-done = { $action ->
    [set] Die PIN Ihres { $key } ist gesetzt. Der Schlüssel fragt ab jetzt danach; niemand sonst kennt sie.
   *[changed] Die PIN Ihres { $key } ist geändert. Der Schlüssel fragt ab jetzt danach; niemand sonst kennt sie.
}
cli-key-verified = Vom Server bestätigt: Ihr { $key } ist jetzt ein { $tier } Faktor.
cli-key-genuine = Der Server hat die Attestierung des Schlüssels mit den FIDO-Metadaten geprüft: Das Modell ist echt.
cli-tier = { $tier ->
    [phishing_resistant] phishing-resistenter
    [strong] starker
    [recovery] Wiederherstellungs-
   *[other] schwacher
}
cli-recover-continuing = Ihre Wiederherstellungssitzung geht weiter (sie endet um { $time }).
cli-recover-nothing-lost = Es ist nichts verloren: Führen Sie `lastmile recover` erneut aus, um fortzufahren.
cli-recover-revoked = { $n ->
    [one] 1 Eintrag widerrufen: Er funktioniert ab sofort nicht mehr.
   *[other] { $n } Einträge widerrufen: Sie funktionieren ab sofort nicht mehr.
}
cli-recover-now-app = Richten Sie jetzt eine Authenticator-App auf Ihrem neuen Telefon ein.
cli-recover-run-again = Führen Sie `lastmile recover` erneut aus, um fortzufahren (Ihre Sitzung bleibt 30 Minuten offen).
cli-recover-finally = Zum Schluss neue Wiederherstellungscodes (die alten funktionieren ab jetzt nicht mehr).
cli-recover-done = Wiederhergestellt. Dieses Gerät ist verbunden; die Wiederherstellungssitzung ist geschlossen.
cli-recover-email = Ihre geschäftliche E-Mail-Adresse:
cli-recover-no-email = keine E-Mail-Adresse angegeben
cli-recover-code = Einer Ihrer Wiederherstellungscodes:
cli-recover-no-code = kein Wiederherstellungscode angegeben; es wurde nichts geändert
cli-recover-signed-in = { $resumed ->
    [yes] Angemeldet als { $name } <{ $email }> ({ $organisation }); ein früherer Versuch wird fortgesetzt. Dieser Code ist jetzt verbraucht; im alten Satz sind noch { $left } übrig.
   *[no] Angemeldet als { $name } <{ $email }> ({ $organisation }). Dieser Code ist jetzt verbraucht; im alten Satz sind noch { $left } übrig.
}
cli-recover-session-ends = Ihre Wiederherstellungssitzung endet um { $time }.
cli-recover-list = Ihre Faktoren und Geräte:
cli-recover-codes-left = noch { $n } Codes
cli-recover-set-up-from = eingerichtet auf { $host }
cli-recover-device = Gerät { $host } ({ $os })
cli-recover-this-device = dieses Gerät
cli-recover-which = Was haben Sie verloren? Nummern durch Leerzeichen getrennt, `all` für alles oder Eingabe für nichts:
cli-recover-no-answer = keine Antwort; es wurde nichts widerrufen
cli-recover-not-a-number = „{ $word }“ ist keine der Nummern 1 bis { $n }
cli-kind = { $kind ->
    [totp] Authenticator-App
    [recovery_codes] Wiederherstellungscodes
    [security_key] Sicherheitsschlüssel
    [platform_authenticator] integrierter Authentifikator
   *[other] { $kind }
}
cli-status-word = { $status ->
    [verified] bestätigt
    [pending] ausstehend
    [revoked] widerrufen
   *[other] { $status }
}
cli-joined = { $organisation } beigetreten als { $name } <{ $email }>.
    Dieses Gerät ({ $device }) meldet an { $server }.

## The terminal's other answers: report, leave, reset, support-bundle

cli-report-stored = Bericht gespeichert. Der Server hat { $reports ->
    [one] einen Bericht
   *[other] { $reports } Berichte
} von diesem Gerät und { $factors ->
    [0] keinen bestätigten Faktor
    [one] einen bestätigten Faktor
   *[other] { $factors } bestätigte Faktoren
}.
cli-report-stored-count = Bericht gespeichert. Der Server hat { $reports ->
    [one] einen Bericht
   *[other] { $reports } Berichte
} von diesem Gerät.
cli-report-not-due = Noch kein Bericht fällig: der nächste in etwa { $minutes ->
    [one] einer Minute
   *[other] { $minutes } Minuten
}. Wartende Berichte wurden gesendet.
cli-report-not-joined = Dieses Gerät ist keiner Organisation beigetreten; es gibt nichts zu berichten.
cli-left = Dieses Gerät hat seine Organisation verlassen; seine Anmeldedaten wurden aus dem Schlüsselbund entfernt.
cli-not-joined = Dieses Gerät war keiner Organisation beigetreten; es ist nichts zu tun.
cli-support-bundle = { $path } geschrieben ({ $files }). Hängen Sie die Datei an Ihr Helpdesk-Ticket an; sie enthält keine Anmeldedaten.
cli-reset-gone = Die Dateien und Anmeldedaten von Lastmile für Sie auf diesem Gerät sind gelöscht.
cli-reset-imaging = Dieses Gerät hat jetzt keine Identität: Ein Abbild davon tritt als neues Gerät bei.
cli-reset-keyring = entfernte Einträge im Schlüsselbund: { $n }
cli-reset-no-files = keine Dateien zu entfernen
cli-reset-removed = entfernt: { $path }
cli-reset-server = Der Server führt das Gerät weiter, bis die IT es entfernt.

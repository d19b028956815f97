# Die Texte des Fensters auf Deutsch. Quelle: locales/en/window.ftl.

app-name = Lastmile
app-loading = Dieses Gerät wird geprüft …
footer = Lastmile { $version } · geprüft um { $time }

## Kopfzeile

header-managed-by = Verwaltet von { $organisation }
header-help = Hilfe
header-checking = Wird geprüft …
header-check-again = Erneut prüfen

## Allgemeine Aktionen und Werte

action-cancel = Abbrechen
action-confirm = Bestätigen
action-continue = Weiter
action-preparing = Wird vorbereitet …
action-verify = Prüfen
value-yes = Ja
value-no = Nein
value-unknown = Unbekannt
duration-ms = { $n } ms
duration-s = { NUMBER($n, maximumFractionDigits: 1, minimumFractionDigits: 1) } s

## Dieses Gerät

device-title = Dieses Gerät
device-system = System
device-architecture = Architektur
device-name = Name
device-kernel = Kernel

## Authentifikatoren

authenticators-title = Authentifikatoren
keys-title = Sicherheitsschlüssel
keys-none = Keiner gefunden
key-aaguid = AAGUID
key-pin = PIN { $state ->
    [set] festgelegt
    [unset] nicht festgelegt
   *[unsupported] nicht unterstützt
}
key-fingerprint = Fingerabdruck { $enrolled ->
    [yes] eingerichtet
   *[no] nicht eingerichtet
}
key-passkeys = Passkeys { $supported ->
    [yes] unterstützt
   *[no] nicht unterstützt
}
key-min-pin = PIN ≥ { $n }
key-firmware = Firmware { $version }
platform-windows-hello = Windows Hello
platform-touch-id = Touch ID
platform-none = Plattform-Authentifikator
platform-checked-at-enrollment = Wird bei der Einrichtung geprüft
tpm-title = TPM

## Server und Uhr

server-title = Server
server-address = Adresse
server-status = Status
server-not-configured = Nicht eingerichtet
server-reachable = Erreichbar (Version { $version })
server-unreachable = Nicht erreichbar
clock-title = Uhr
clock-verdict-ok = Gut für Codes
clock-verdict-warn = Codes können scheitern
clock-verdict-fail = Codes werden scheitern
clock-offset = { $direction ->
    [ahead] { $amount } vor dem Server
    [behind] { $amount } hinter dem Server
   *[same] im Gleichschritt mit dem Server
}
clock-uncertainty = (±{ $ms } ms)
clock-not-measured = Nicht gemessen: Der Server ist nicht erreichbar.

## Einstellungen

settings-title = Einstellungen
settings-start-at-login = Lastmile bei der Anmeldung starten
settings-start-at-login-locked = Das entscheidet Ihre Organisation.
settings-language = Sprache
settings-language-system = Die Sprache des Systems
settings-language-note = Das Fenster, das Symbol im Infobereich, die Erinnerungen und die Terminalbefehle sprechen sie.
settings-language-locked = Ihre Organisation legt die Sprache fest.
settings-start-at-login-note = Lastmile öffnet sich nur, wenn etwas zu tun ist, und bleibt sonst im Infobereich.
setting-server-url = Server
setting-organisation = Organisation
setting-report-interval-minutes = Bericht alle (Minuten)
setting-proxy-url = Proxy
setting-ntp-servers = NTP-Server
setting-sso-provider = Anmeldung
setting-managed-by = Verwaltet von
setting-support-url = Hilfe
setting-log-level = Protokollstufe
setting-invite = Einladung
setting-ca-bundle = Zusätzliche vertrauenswürdige Zertifikate
setting-reminders = Erinnerungen
setting-quiet-hours = Ruhezeiten
setting-autostart = Start bei der Anmeldung
setting-locale = Sprache
setting-source-managed = Von Ihrer Organisation festgelegt
setting-source-command-line = Befehlszeile
setting-source-user = Ihre Einstellung
setting-source-default = Standard

## Ihre Organisation: Beitreten, Stand, Faktoren

join-invite-label = Einladungscode oder -link von Ihrem IT-Team
join-invite-label-or = Oder ein Einladungscode oder -link von Ihrem IT-Team
join-button = Beitreten
join-busy = Beitritt läuft …
join-done = { $organisation } beigetreten als { $name }.
join-link-server = Diese Einladung verbindet Sie mit { $server }.
keyring-missing = Dieses Gerät hat keinen nutzbaren Schlüsselbund, daher kann Lastmile seine Anmeldung nicht sicher aufbewahren:
server-view = { $factors ->
    [0] Noch keiner Ihrer Faktoren ist bestätigt.
    [one] Ein Faktor von Ihnen ist bestätigt.
   *[other] { $factors } Faktoren von Ihnen sind bestätigt.
} { $reports ->
    [0] Dieses Gerät hat noch nicht berichtet.
    [one] Dieses Gerät hat einmal berichtet.
   *[other] Dieses Gerät hat { $reports }-mal berichtet.
}
outbox-waiting = { $n ->
    [one] Ein Bericht wartet auf den Versand.
   *[other] { $n } Berichte warten auf den Versand.
}
outbox-waiting-next = { $n ->
    [one] Ein Bericht wartet auf den Versand; nächster Versuch um { $time }.
   *[other] { $n } Berichte warten auf den Versand; nächster Versuch um { $time }.
}
standing-met = Sie erfüllen die Richtlinie von { $organisation }{ $group ->
    [none] {""}
   *[other] {" "}(Gruppe { $group })
}.
standing-excepted = Die Ausnahme gilt bis { $until }. Ergänzen Sie bis dahin, was noch fehlt:
standing-deadline = Nötig bis { $deadline }.
standing-level-remind = Erinnerung
standing-level-warn = Warnung
standing-level-block = Gesperrt
factor-totp = Authenticator-App
factor-recovery-codes = Wiederherstellungscodes
factor-security-key = Sicherheitsschlüssel
factor-platform-authenticator = Eingebauter Authentifikator
factor-certified = FIDO-zertifiziert { $level }
factor-verified-at = bestätigt am { $when }
tier-phishing-resistant = Phishing-resistent
tier-strong = Stark
tier-recovery = Wiederherstellung
tier-weak = Schwach

## Beitreten mit der Anmeldung der Organisation

sso-sign-in-with = Mit { $organisation } anmelden
sso-sign-in-with-provider = Mit { $organisation } anmelden: { $provider }
sso-continue-in-browser = Fahren Sie in Ihrem Browser fort.
sso-waiting = Melden Sie sich dort bei { $provider } an; dieses Fenster folgt von selbst.
sso-opening-browser = Ihr Browser wird geöffnet …
sso-no-browser = Falls sich kein Browser geöffnet hat, öffnen Sie diese Adresse in Ihrem:
sso-explained = Sie melden sich in Ihrem Browser an, mit Ihrem gewohnten Arbeitskonto.
sso-org-label = Der Kurzname Ihrer Organisation (Ihr IT-Team kennt ihn)
sso-ask-open = Keine Einladung? Mit dem Konto Ihrer Organisation anmelden

## Sicherheitsschlüssel

key-pin-label = Die PIN Ihres Sicherheitsschlüssels
key-new-pin-why = Ihre Organisation verlangt eine PIN auf dem Schlüssel, und er hat noch keine. Wählen Sie eine: Der Schlüssel fragt ab jetzt danach.
key-new-pin-label = Neue PIN ({ $n } Zeichen oder mehr)
key-new-pin-again = Wiederholen
key-new-pin-again-label = Dieselbe PIN noch einmal
key-set-pin = PIN festlegen
key-pin-too-short = Mindestens { $n } Zeichen.
key-pins-differ = Die beiden PINs unterscheiden sich.
key-waiting-looking = Ihr Sicherheitsschlüssel wird gesucht …
key-waiting-insert = Stecken Sie Ihren Sicherheitsschlüssel ein (nur diesen).
key-waiting-touch = Berühren Sie jetzt Ihren Sicherheitsschlüssel (er blinkt).
key-waiting-touch-again = Berühren Sie ihn noch einmal, damit der Server ihn prüfen kann.
key-waiting-working = Einen Moment …
key-waiting-system = Windows zeigt jetzt ein eigenes Fenster: Wählen Sie dort Ihren Sicherheitsschlüssel oder Windows Hello und folgen Sie den Schritten.
key-waiting-system-again = Windows fragt noch einmal, damit der Server prüfen kann: Folgen Sie dem Fenster erneut.
key-system-note = Dieses Fenster gehört zu Windows (Windows-Sicherheit), nicht zu Lastmile; es fragt selbst nach PIN und Berührung. Lastmile macht weiter, sobald es sich schließt.

## Authenticator-App

totp-clock-off = Die Uhr dieses Geräts geht { $offset }. Stellen Sie sie zuerst richtig:
totp-step-open = Öffnen Sie Ihre Authenticator-App (Microsoft Authenticator, Google Authenticator, 1Password, Authy …), fügen Sie ein Konto hinzu und scannen Sie diesen Code.
totp-step-open-recommended = { $organisation } empfiehlt { $apps }. { $count ->
    [one] Öffnen Sie die App, fügen Sie ein Konto hinzu und scannen Sie diesen Code.
   *[other] Öffnen Sie eine davon, fügen Sie ein Konto hinzu und scannen Sie diesen Code.
}
totp-qr-alt = QR-Code für Ihre Authenticator-App
totp-step-by-hand = Scannen geht nicht? Fügen Sie einen zeitbasierten Schlüssel von Hand hinzu:
totp-code-label = Geben Sie den { $digits }-stelligen Code ein, den sie anzeigt
totp-unusual = Ihre Organisation verlangt { $digits } Ziffern alle { $period } s; manche Apps ignorieren das.

## Wiederherstellungscodes

recovery-shown = Ihre neuen Wiederherstellungscodes. Jeder funktioniert einmal; frühere Codes gelten ab sofort nicht mehr. Bewahren Sie sie getrennt von diesem Gerät auf.
recovery-save = In Datei speichern
recovery-print = Drucken
recovery-copy = Kopieren
recovery-saved = Gespeichert in { $path } (nur für Sie lesbar).
recovery-copied = Kopiert. Fügen Sie sie in Ihren Passwortmanager ein und leeren Sie dann die Zwischenablage.
recovery-copy-failed = Dieses System lässt die App nicht kopieren; nutzen Sie Speichern oder Drucken.
recovery-confirm-label = Geben Sie einen davon ein, um zu bestätigen, dass Sie sie aufbewahrt haben

## Wiederherstellen nach einem Geräteverlust

recover-open-joined = Telefon oder Schlüssel verloren? Mit einem Wiederherstellungscode wiederherstellen
recover-open-not-joined = Keine Einladung, weil Sie Ihr Gerät verloren haben? Mit einem Wiederherstellungscode wiederherstellen
recover-title = Wiederherstellen nach einem Geräteverlust
recover-intro = Verwenden Sie einen der Wiederherstellungscodes, die Sie aufbewahrt haben. Er funktioniert einmal.
recover-server-label = Serveradresse (von Ihrem IT-Team)
recover-user-label = Ihre geschäftliche E-Mail-Adresse
recover-code-label = Wiederherstellungscode
recover-more-options = Weitere Optionen
recover-org-label = Organisation (nur wenn Ihr IT-Team Ihnen eine genannt hat)
recover-sign-in = Anmelden
recover-continuing = Ihre Wiederherstellung wird fortgesetzt.
recover-signed-in = Angemeldet als { $name } ({ $organisation }){ $resumed ->
    [yes] , Fortsetzung eines früheren Versuchs
   *[no] {""}
}. Dieser Code ist verbraucht; { $left } übrig im alten Satz. Die Sitzung endet um { $until }.
recover-clock = Die Uhr dieses Geräts geht { $offset }. Die Wiederherstellung funktioniert trotzdem, aber Codes aus der Authenticator-App scheitern, bis sie richtig geht:
recover-revoke-intro = Widerrufen Sie alles, was Sie verloren haben. Es hört sofort auf zu funktionieren.
recover-factor-state = { $verified ->
    [yes] bestätigt
   *[no] nicht bestätigt
}{ $left ->
    [none] {""}
    [one] , ein Code übrig
   *[other] , { $left } Codes übrig
}{ $from ->
    [none] {""}
   *[other] , eingerichtet von { $from }
}
recover-device-state = { $os } · beigetreten { $joined }{ $current ->
    [yes] {" "}· dieses Gerät
   *[no] {""}
}
recover-revoke = Widerrufen
recover-revoked = Widerrufen: { $list }.
recover-next-factor = Weiter: eine neue Authenticator-App
recover-factor-intro = Richten Sie eine Authenticator-App auf Ihrem neuen Telefon ein.
recover-codes-intro = Letzter Schritt: neue Wiederherstellungscodes. Der alte Satz hört auf zu funktionieren, sobald Sie sie erhalten.
recover-done = Wiederhergestellt. Dieses Gerät ist beigetreten, und die Wiederherstellungssitzung ist beendet.

## Probleme, die die App gefunden hat

problem-managed_settings_invalid = Die Lastmile-Einstellungen Ihrer Organisation sind nicht verwendbar.
problem-managed_settings_invalid-hint = Sagen Sie Ihrem IT-Team Bescheid: Das Geräteverwaltungsprofil für Lastmile enthält einen Fehler. Bis es behoben ist, tut Lastmile nichts von sich aus.
problem-user_settings_invalid = Ihre eigene Lastmile-Einstellungsdatei ist nicht verwendbar und wurde ignoriert.
problem-user_settings_invalid-hint = Korrigieren oder löschen Sie die Datei; Lastmile hat sie nicht verändert.
problem-local_state_corrupt = Lastmiles Aufzeichnung über dieses Gerät ist nicht lesbar.
problem-local_state_corrupt-hint = Lastmile hat die Datei behalten. Ein erneuter Beitritt legt sie beiseite und fängt neu an.
problem-no_server = Auf diesem Gerät ist kein Lastmile-Server eingerichtet.
problem-no_server-hint = Öffnen Sie den Einladungslink Ihres IT-Teams oder melden Sie sich mit dem Konto Ihrer Organisation an.
problem-server_unreachable = Dieses Gerät erreicht den Lastmile-Server nicht.
problem-server_unreachable-hint = Prüfen Sie Ihre Netzwerkverbindung. Lastmile arbeitet offline weiter und berichtet, sobald der Server wieder da ist.
problem-server_error = Der Lastmile-Server hat mit einem Fehler geantwortet.
problem-server_error-hint = Versuchen Sie es später noch einmal oder sagen Sie Ihrem IT-Team Bescheid.
problem-device_not_recognised = Der Server erkennt dieses Gerät nicht mehr.
problem-device_not_recognised-hint = Es wurde vielleicht widerrufen. Bitten Sie Ihr IT-Team um eine neue Einladung oder stellen Sie mit einem Wiederherstellungscode wieder her, falls Sie ein Gerät verloren haben.
problem-keyring_unavailable = Dieses Gerät hat keinen nutzbaren Schlüsselbund, daher kann Lastmile seine Anmeldung nicht sicher aufbewahren.
problem-keyring_unavailable-hint = Lastmile bewahrt seine Zugangsdaten nur im Schlüsselbund des Systems auf. Entsperren Sie ihn (unter Linux: GNOME Keyring oder KWallet) und prüfen Sie dann erneut.
problem-not_joined = Dieses Gerät ist Ihrer Organisation noch nicht beigetreten.
problem-not_joined-hint = Treten Sie mit dem Einladungscode oder -link Ihres IT-Teams bei oder mit der Anmeldung Ihrer Organisation.
problem-clock_fail = Die Uhr dieses Geräts geht { $offset }: Codes aus der Authenticator-App werden scheitern.
problem-clock_fail-hint = Stellen Sie die Uhr richtig: Die Schritte für dieses Gerät stehen unter Uhr.
problem-clock_warn = Die Uhr dieses Geräts geht { $offset }: Codes aus der Authenticator-App können scheitern.
problem-clock_warn-hint = Stellen Sie die Uhr richtig: Die Schritte für dieses Gerät stehen unter Uhr.
problem-managed_settings_unknown = Die Einstellungen Ihrer Organisation nennen etwas, das diese Lastmile-Version nicht kennt.
problem-managed_settings_unknown-hint = Die übrigen Einstellungen gelten. Ein Profil für ein neueres Lastmile? Aktualisieren Sie die App; sonst sagen Sie Ihrem IT-Team Bescheid.

## Fehler bei dem, worum die Person gebeten hat

error-invalid_input = Damit kann Lastmile nichts anfangen.
error-invalid_input-hint = Prüfen Sie, was Sie eingegeben oder eingefügt haben, und versuchen Sie es erneut.
error-managed_setting = Ihre Organisation hat dies festgelegt; es lässt sich hier nicht ändern.
error-managed_setting-hint = Fragen Sie Ihr IT-Team, falls es anders sein soll.
error-config_invalid = Eine Einstellungsdatei von Lastmile ist nicht lesbar.
error-config_invalid-hint = Korrigieren oder löschen Sie die unten genannte Datei; Lastmile hat sie nicht verändert.
error-no_server = Auf diesem Gerät ist kein Lastmile-Server eingerichtet.
error-no_server-hint = Verwenden Sie den Einladungslink Ihres IT-Teams: Er nennt den Server.
error-server_unreachable = Der Lastmile-Server ist nicht erreichbar.
error-server_unreachable-hint = Prüfen Sie Ihre Netzwerkverbindung und versuchen Sie es erneut.
error-server_error = Der Lastmile-Server hat mit einem Fehler geantwortet.
error-server_error-hint = Versuchen Sie es gleich noch einmal; wenn es wieder passiert, sagen Sie Ihrem IT-Team Bescheid.
error-invite_invalid = Diese Einladung ist nicht gültig.
error-invite_invalid-hint = Fügen Sie den ganzen Code oder Link Ihrer Einladung ein, genau so, wie Sie ihn erhalten haben.
error-invite_expired = Diese Einladung ist abgelaufen.
error-invite_expired-hint = Bitten Sie Ihr IT-Team um eine neue.
error-invite_used = Diese Einladung wurde schon verwendet.
error-invite_used-hint = Jede Einladung funktioniert einmal. Bitten Sie Ihr IT-Team um eine neue.
error-keyring_unavailable = Dieses Gerät hat keinen nutzbaren Schlüsselbund, daher kann Lastmile seine Anmeldung nicht sicher aufbewahren.
error-keyring_unavailable-hint = Entsperren Sie den Schlüsselbund des Systems (unter Linux: GNOME Keyring oder KWallet) und versuchen Sie es erneut.
error-already_joined = Dieses Gerät ist bereits einer Organisation beigetreten.
error-already_joined-hint = Um einer anderen beizutreten, verlassen Sie zuerst die jetzige.
error-not_joined = Dieses Gerät ist Ihrer Organisation noch nicht beigetreten.
error-not_joined-hint = Treten Sie zuerst bei, mit einer Einladung oder der Anmeldung Ihrer Organisation.
error-totp_invalid = Dieser Code stimmt nicht.
error-totp_invalid-hint = Geben Sie den Code ein, den Ihre Authenticator-App gerade anzeigt; Codes wechseln alle 30 Sekunden.
error-totp_replayed = Dieser Code wurde schon verwendet.
error-totp_replayed-hint = Warten Sie auf den nächsten Code in Ihrer Authenticator-App und geben Sie ihn ein.
error-recovery_code_invalid = Dieser Wiederherstellungscode stimmt nicht.
error-recovery_code_invalid-hint = Vergleichen Sie ihn mit den aufbewahrten Codes; jeder funktioniert nur einmal.
error-recovery_refused = Diese Angaben passen zu keinem Wiederherstellungscode.
error-recovery_refused-hint = Prüfen Sie E-Mail-Adresse und Code. Nach mehreren Versuchen warten Sie ein paar Minuten.
error-recovery_session_expired = Ihre Wiederherstellungssitzung ist abgelaufen.
error-recovery_session_expired-hint = Melden Sie sich mit einem anderen Ihrer Wiederherstellungscodes erneut an.
error-device_revoked = Dieses Gerät wurde widerrufen.
error-device_revoked-hint = Bitten Sie Ihr IT-Team um eine neue Einladung oder stellen Sie mit einem Wiederherstellungscode wieder her.
error-key_missing = Es wurde kein Sicherheitsschlüssel gefunden, oder mehr als einer.
error-key_missing-hint = Stecken Sie genau einen Sicherheitsschlüssel ein und versuchen Sie es erneut.
error-key_pin_wrong = Diese PIN stimmt nicht.
error-key_pin_wrong-hint = Versuchen Sie es sorgfältig erneut: Nach zu vielen falschen PINs sperrt sich der Schlüssel.
error-key_pin_blocked = Die PIN des Sicherheitsschlüssels ist gesperrt.
error-key_pin_blocked-hint = Der Schlüssel muss zurückgesetzt werden, bevor er wieder nutzbar ist; fragen Sie Ihr IT-Team.
error-key_cancelled = Der Sicherheitsschlüssel wurde nicht rechtzeitig berührt, oder Sie haben abgebrochen.
error-key_cancelled-hint = Beginnen Sie erneut und berühren Sie den Schlüssel, wenn er blinkt.
error-key_excluded = Dieser Sicherheitsschlüssel ist schon registriert.
error-key_excluded-hint = Er zählt bereits für Sie; mit ihm ist nichts weiter zu tun.
error-key_not_allowed = Ihre Organisation akzeptiert dieses Schlüsselmodell nicht.
error-key_not_allowed-hint = Fragen Sie Ihr IT-Team, welche Schlüssel es akzeptiert.
error-key_permission = Dieses Gerät lässt Lastmile den Sicherheitsschlüssel nicht verwenden.
error-key_permission-hint = Ihr IT-Team kann es erlauben (unter Linux mit einer udev-Regel für Sicherheitsschlüssel).
error-key_failed = Der Sicherheitsschlüssel konnte nicht registriert werden.
error-key_failed-hint = Ziehen Sie ihn ab, stecken Sie ihn wieder ein und versuchen Sie es noch einmal.
error-sso_unavailable = Ihre Organisation hat keine Anmeldung, mit der man beitreten kann.
error-sso_unavailable-hint = Treten Sie stattdessen mit einer Einladung Ihres IT-Teams bei.
error-sso_cancelled = Die Anmeldung wurde abgebrochen oder kam nicht rechtzeitig zurück.
error-sso_cancelled-hint = Beginnen Sie erneut, wenn Sie so weit sind.
error-sso_failed = Die Anmeldung konnte nicht abgeschlossen werden.
error-sso_failed-hint = Versuchen Sie es erneut; wenn es weiter scheitert, sagen Sie Ihrem IT-Team Bescheid.
error-sso_not_allowed = Sie haben sich angemeldet, aber Ihr Konto darf auf diesem Weg nicht beitreten.
error-sso_not_allowed-hint = Bitten Sie Ihr IT-Team um eine Einladung.
error-rate_limited = Zu viele Versuche in kurzer Zeit.
error-rate_limited-hint = Warten Sie ein paar Minuten und versuchen Sie es dann erneut.
error-local_state = Lastmile konnte seine Aufzeichnung über dieses Gerät nicht lesen oder speichern.
error-local_state-hint = Unten steht, um welche Datei es geht. Prüfen Sie, ob die Festplatte voll ist; ein erneuter Beitritt fängt eine neue Aufzeichnung an.
error-internal = In Lastmile ist etwas schiefgegangen.
error-internal-hint = Versuchen Sie es erneut; wenn es wieder passiert, senden Sie Ihrem IT-Team ein Support-Paket (lastmile support-bundle).
## Screens: the overview and the details

nav-label = Ansichten
nav-details = Details
nav-overview = Übersicht
nav-home-announce = Übersicht
details-title = Details
details-intro = Alles, was Lastmile über dieses Gerät weiß, für Ihr IT-Team.
account-title = Ihr Konto
account-name = Name
account-email = E-Mail
account-organisation = Organisation
account-device-id = Geräte-ID
home-join-title = Treten Sie Ihrer Organisation bei
home-join-intro = Lastmile prüft, ob Ihre Anmeldung geschützt ist, und zeigt es Ihrem IT-Team. Verbinden Sie zuerst dieses Gerät mit Ihrer Organisation.
standing-met-title = Alles erledigt
standing-gap-title = { $organisation } bittet um einen weiteren Schritt
standing-excepted-title = Durch eine Ausnahme von { $organisation } abgedeckt
standing-needs = Es fehlt noch:
standing-unknown-title = Ihr Stand ist noch nicht bekannt
standing-unknown = Der Server hat noch nicht geantwortet. Lastmile versucht es von selbst erneut.
need-tier = { $tier ->
    [phishing_resistant] Eine Phishing-resistente Anmeldemethode: ein Sicherheitsschlüssel oder ein integrierter Authentifikator
    [strong] Eine starke Anmeldemethode: eine Authenticator-App oder ein Sicherheitsschlüssel
    [recovery] Wiederherstellungscodes oder eine stärkere Anmeldemethode
   *[other] Irgendeine bestätigte Anmeldemethode
}
need-factors = { $need ->
    [one] Eine bestätigte Anmeldemethode
   *[other] { $need } bestätigte Anmeldemethoden
} (Sie haben { $have })
need-recovery-codes = Wiederherstellungscodes, gespeichert und bestätigt
next-security-key = { $model ->
    [none] Den eingesteckten Sicherheitsschlüssel registrieren
   *[other] Ihren { $model } registrieren
}
next-plug-in-security-key = Einen Sicherheitsschlüssel einstecken und registrieren
next-platform-authenticator = Windows Hello einrichten
next-platform-authenticator-note = Richten Sie es in den Windows-Einstellungen unter Konten, Anmeldeoptionen ein; Lastmile erkennt es bei der nächsten Prüfung.
next-totp = Eine Authenticator-App einrichten
next-recovery-codes = Wiederherstellungscodes erstellen
factors-title = Ihre Anmeldemethoden
add-title = Weitere Anmeldemethode hinzufügen
add-security-key = Sicherheitsschlüssel
add-security-key-note = Die stärkste: nicht durch Phishing angreifbar.
add-totp = Authenticator-App
add-totp-note = Ein Code aus einer App auf Ihrem Telefon.
add-recovery-codes = Wiederherstellungscodes
add-recovery-codes-new = Neue Wiederherstellungscodes
add-recovery-codes-note = Für den Fall, dass Sie dieses Gerät verlieren. Neue machen die alten ungültig.

## Flows: one task in the whole window

flow-back = Zurück
flow-progress = Schritt { $n } von { $total }: { $label }
action-try-again = Erneut versuchen
key-flow-title = Sicherheitsschlüssel hinzufügen
key-step-connect = Schlüssel verbinden
key-step-register = Registrieren
key-step-verify = Bestätigen
key-insert-note = Nutzen Sie den USB-Anschluss oder halten Sie ihn an das NFC-Lesegerät.
key-touch-note = Berühren Sie den Metallkontakt oder die Taste am Schlüssel.
totp-flow-title = Authenticator-App hinzufügen
totp-step-scan-title = Code scannen
totp-step-code-title = Code eingeben
totp-next = Hinzugefügt
totp-show-again = Code noch einmal zeigen
recovery-flow-title = Wiederherstellungscodes erstellen
recovery-step-save = Aufbewahren
recovery-step-confirm = Einen bestätigen
recovery-next = Aufbewahrt
recovery-next-note = Speichern, drucken oder kopieren Sie sie zuerst.
recovery-show-again = Codes noch einmal zeigen
recovery-replace-warning = Sie haben bereits Wiederherstellungscodes. Neue ersetzen sie: Ihre bisherigen funktionieren sofort nicht mehr.
recovery-replace = Neue Codes erstellen
recover-step-sign-in = Mit einem Wiederherstellungscode anmelden
recover-step-review = Verlorenes entfernen
recover-step-factor = Eine neue Authenticator-App
recover-step-codes = Neue Wiederherstellungscodes
recover-skip-factor = Überspringen: Ich habe eine andere Anmeldemethode
success-key = Ihr { $name } ist von { $organisation } bestätigt.
success-totp = Ihre Authenticator-App ist von { $organisation } bestätigt.
success-recovery = Ihre Wiederherstellungscodes sind von { $organisation } bestätigt.
success-met = Sie erfüllen die Richtlinie von { $organisation }.
success-excepted = Eine Ausnahme von { $organisation } deckt Sie vorerst ab.
success-more = { $organisation } bittet um einen weiteren Schritt.
success-next = Weiter: { $step }
success-later = Später
success-done = Fertig

## Fixing a wrong clock, for the person's own system (the steps the window and the terminal show)

clockfix-windows-1 = Öffnen Sie Einstellungen > Zeit und Sprache > Datum und Uhrzeit.
clockfix-windows-2 = Schalten Sie „Uhrzeit automatisch festlegen“ und „Zeitzone automatisch festlegen“ ein.
clockfix-windows-3 = Klicken Sie auf „Jetzt synchronisieren“ (oder führen Sie `w32tm /resync` in einem Administrator-Terminal aus).
clockfix-macos-1 = Öffnen Sie Systemeinstellungen > Allgemein > Datum & Uhrzeit.
clockfix-macos-2 = Schalten Sie „Datum und Uhrzeit automatisch einstellen“ ein (Quelle: time.apple.com).
clockfix-macos-3 = Ist es schon eingeschaltet, schalten Sie es aus und wieder ein, um sofort abzugleichen.
clockfix-gnome-1 = Öffnen Sie Einstellungen > System > Datum und Uhrzeit.
clockfix-gnome-2 = Schalten Sie „Automatische Datums- und Zeiteinstellung“ und „Automatische Zeitzone“ ein.
clockfix-gnome-3 = Bleibt die Uhr falsch, führen Sie `timedatectl set-ntp true` aus und prüfen Sie `timedatectl timesync-status`.
clockfix-kde-1 = Öffnen Sie Systemeinstellungen > Datum und Zeit (unter Plasma 6: Region und Sprache > Datum und Zeit).
clockfix-kde-2 = Aktivieren Sie „Datum und Zeit automatisch einstellen“ und übernehmen Sie.
clockfix-kde-3 = Bleibt die Uhr falsch, führen Sie `timedatectl set-ntp true` aus und prüfen Sie `timedatectl timesync-status`.
clockfix-systemd-1 = Führen Sie `sudo timedatectl set-ntp true` aus, um systemd-timesyncd einzuschalten.
clockfix-systemd-2 = Prüfen Sie es mit `timedatectl timesync-status` („System clock synchronized: yes“).
clockfix-systemd-3 = Sperrt Ihr Netz öffentliches NTP, tragen Sie in /etc/systemd/timesyncd.conf bei NTP= den Server Ihrer Firma ein.
clockfix-other-1 = Schalten Sie in den Datums- und Zeiteinstellungen Ihres Systems die automatische Netzwerkzeit (NTP) ein.
clockfix-other-2 = Prüfen Sie die Zeitzone: Eine falsche Zone sieht aus wie eine Uhr, die Stunden falsch geht.

## What this device has, as the app found it (worded from its notes; Details and lastmile status)

keys-note-none_plugged = es ist kein USB-Sicherheitsschlüssel eingesteckt
keys-note-no_permission = { $attached ->
    [one] ein FIDO-Gerät ist angeschlossen
   *[other] { $attached } FIDO-Geräte sind angeschlossen
}, aber dieser Benutzer darf { $nodes } nicht öffnen. Installieren Sie eine udev-Regel, die Zugriff auf FIDO-Schlüssel gewährt (systemd ab Version 252 kennzeichnet sie selbst; auf älteren Systemen tragen Sie in /etc/udev/rules.d/70-fido.rules eine Regel mit TAG+="uaccess" für den USB-Hersteller des Schlüssels ein), und stecken Sie den Schlüssel dann aus und wieder ein.
keys-note-windows_administrators_only = Windows lässt nur Administratoren direkt mit Sicherheitsschlüsseln sprechen; Lastmile erreicht sie beim Hinzufügen über die WebAuthn-Schnittstelle von Windows
keys-note-no_usb_support = diese Ausgabe von Lastmile unterstützt keine USB-Sicherheitsschlüssel
keys-note-scan_failed = die USB-Geräte konnten nicht aufgelistet werden ({ $error })
platform-note-windows_hello = Die WebAuthn-Schnittstelle von Windows (Version { $api_version }) ist vorhanden; Windows fragt beim Hinzufügen nach Hello (Gesicht, Fingerabdruck oder PIN).
platform-note-windows_no_webauthn = Dieses Windows hat keine WebAuthn-Schnittstelle (nötig ist Windows 10 1903 oder neuer).
platform-note-touch_id = Touch ID wird über den Browser oder die App „Passwörter“ registriert; Lastmile kann es nicht direkt hinzufügen, nutzen Sie hier also einen Sicherheitsschlüssel oder eine Authenticator-App.
platform-note-fingerprint_reader = Dieser Computer hat einen Fingerabdruckleser ({ $reader }), doch unter Linux dient er dem Anmeldebildschirm (fprintd), nicht WebAuthn; Lastmile kann ihn daher nicht zu einem Faktor machen: Nutzen Sie einen Sicherheitsschlüssel oder eine Authenticator-App mit Wiederherstellungscodes.
platform-note-linux = Linux hat keinen Plattform-Authentifikator für WebAuthn; nutzen Sie einen Sicherheitsschlüssel oder eine Authenticator-App mit Wiederherstellungscodes.
platform-note-other_os = Dieses System hat keinen Plattform-Authentifikator, den Lastmile nutzen kann; nutzen Sie einen Sicherheitsschlüssel oder eine Authenticator-App mit Wiederherstellungscodes.
tpm-note-linux_device = { $version ->
    [unknown] ein TPM (Version unbekannt) ist unter /dev/tpm0
   *[other] TPM { $version } unter /dev/tpm0 gefunden
}
tpm-note-linux_none = der Kernel stellt kein TPM bereit (/sys/class/tpm)
tpm-note-windows_device = ein TPM-2.0-Gerät ist vorhanden
tpm-note-windows_none = es ist kein TPM-2.0-Gerät aufgeführt
tpm-note-mac_secure_enclave = Macs haben kein TPM; Macs mit Apple-Chip oder T2 haben stattdessen eine Secure Enclave
tpm-note-unknown = die TPM-Erkennung ist auf diesem System nicht verfügbar

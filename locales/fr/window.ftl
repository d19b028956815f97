# Les textes de la fenêtre en français. Source : locales/en/window.ftl.

app-name = Lastmile
app-loading = Vérification de cet appareil…
footer = Lastmile { $version } · vérifié à { $time }

## En-tête

header-managed-by = Géré par { $organisation }
header-help = Aide
header-checking = Vérification…
header-check-again = Vérifier à nouveau

## Actions et valeurs courantes

action-cancel = Annuler
action-confirm = Confirmer
action-continue = Continuer
action-preparing = Préparation…
action-verify = Vérifier
value-yes = Oui
value-no = Non
value-unknown = Inconnu
duration-ms = { $n } ms
duration-s = { NUMBER($n, maximumFractionDigits: 1, minimumFractionDigits: 1) } s

## Cet appareil

device-title = Cet appareil
device-system = Système
device-architecture = Architecture
device-name = Nom
device-kernel = Noyau

## Authentificateurs

authenticators-title = Authentificateurs
keys-title = Clés de sécurité
keys-none = Aucune trouvée
key-aaguid = AAGUID
key-pin = PIN { $state ->
    [set] défini
    [unset] non défini
   *[unsupported] non pris en charge
}
key-fingerprint = Empreinte { $enrolled ->
    [yes] enregistrée
   *[no] non enregistrée
}
key-passkeys = Clés d’accès { $supported ->
    [yes] prises en charge
   *[no] non prises en charge
}
key-min-pin = PIN ≥ { $n }
key-firmware = Micrologiciel { $version }
platform-windows-hello = Windows Hello
platform-touch-id = Touch ID
platform-none = Authentificateur intégré
platform-checked-at-enrollment = Vérifié lors de l’inscription
tpm-title = TPM

## Serveur et horloge

server-title = Serveur
server-address = Adresse
server-status = État
server-not-configured = Non configuré
server-reachable = Joignable (version { $version })
server-unreachable = Injoignable
clock-title = Horloge
clock-verdict-ok = Bonne pour les codes
clock-verdict-warn = Les codes peuvent échouer
clock-verdict-fail = Les codes échoueront
clock-offset = { $direction ->
    [ahead] { $amount } d’avance sur le serveur
    [behind] { $amount } de retard sur le serveur
   *[same] à l’heure du serveur
}
clock-uncertainty = (±{ $ms } ms)
clock-not-measured = Non mesurée : le serveur est injoignable.

## Réglages

settings-title = Réglages
settings-start-at-login = Démarrer Lastmile à l’ouverture de session
settings-start-at-login-locked = C’est votre organisation qui en décide.
settings-language = Langue
settings-language-system = La langue du système
settings-language-note = La fenêtre, l’icône de la barre, les rappels et les commandes du terminal la parlent.
settings-language-locked = Votre organisation fixe la langue.
settings-start-at-login-note = Il ne s’ouvre que s’il y a quelque chose à faire, et reste sinon dans la zone de notification.
setting-server-url = Serveur
setting-organisation = Organisation
setting-report-interval-minutes = Rapport toutes les (minutes)
setting-proxy-url = Proxy
setting-ntp-servers = Serveurs NTP
setting-sso-provider = Connexion
setting-managed-by = Géré par
setting-support-url = Aide
setting-log-level = Niveau de journal
setting-invite = Invitation
setting-ca-bundle = Certificats de confiance supplémentaires
setting-reminders = Rappels
setting-quiet-hours = Heures calmes
setting-autostart = Démarrage à l’ouverture de session
setting-locale = Langue
setting-source-managed = Défini par votre organisation
setting-source-command-line = Ligne de commande
setting-source-user = Votre réglage
setting-source-default = Par défaut

## Votre organisation : adhésion, situation, facteurs

join-invite-label = Code ou lien d’invitation de votre équipe informatique
join-invite-label-or = Ou un code ou lien d’invitation de votre équipe informatique
join-button = Rejoindre
join-busy = Adhésion…
join-done = Vous avez rejoint { $organisation } en tant que { $name }.
join-link-server = Cette invitation vous relie à { $server }.
keyring-missing = Cet appareil n’a pas de trousseau utilisable ; Lastmile ne peut donc pas y garder sa connexion en sécurité :
server-view = { $factors ->
    [0] Aucun de vos facteurs n’est encore vérifié.
    [one] Un de vos facteurs est vérifié.
   *[other] { $factors } de vos facteurs sont vérifiés.
} { $reports ->
    [0] Cet appareil n’a encore envoyé aucun rapport.
    [one] Cet appareil a envoyé un rapport.
   *[other] Cet appareil a envoyé { $reports } rapports.
}
outbox-waiting = { $n ->
    [one] Un rapport attend d’être envoyé.
   *[other] { $n } rapports attendent d’être envoyés.
}
outbox-waiting-next = { $n ->
    [one] Un rapport attend d’être envoyé ; prochain essai à { $time }.
   *[other] { $n } rapports attendent d’être envoyés ; prochain essai à { $time }.
}
standing-met = Vous respectez la politique de { $organisation }{ $group ->
    [none] {""}
   *[other] {" "}(groupe { $group })
}.
standing-excepted = L’exception dure jusqu’au { $until }. D’ici là, ajoutez ce qui manque encore :
standing-deadline = À faire avant le { $deadline }.
standing-level-remind = Rappel
standing-level-warn = Avertissement
standing-level-block = Bloqué
factor-totp = Application d’authentification
factor-recovery-codes = Codes de récupération
factor-security-key = Clé de sécurité
factor-platform-authenticator = Authentificateur intégré
factor-certified = Certifiée FIDO { $level }
factor-verified-at = vérifié le { $when }
tier-phishing-resistant = Résistant à l’hameçonnage
tier-strong = Fort
tier-recovery = Récupération
tier-weak = Faible

## Adhésion avec la connexion de l’organisation

sso-sign-in-with = Se connecter avec { $organisation }
sso-sign-in-with-provider = Se connecter avec { $organisation } : { $provider }
sso-continue-in-browser = Continuez dans votre navigateur.
sso-waiting = Connectez-vous à { $provider } là-bas ; cette fenêtre suivra d’elle-même.
sso-opening-browser = Ouverture de votre navigateur…
sso-no-browser = Si aucun navigateur ne s’est ouvert, ouvrez cette adresse dans le vôtre :
sso-explained = Vous vous connectez dans votre navigateur, avec votre compte professionnel habituel.
sso-org-label = Le nom court de votre organisation (votre équipe informatique le connaît)
sso-ask-open = Pas d’invitation ? Connectez-vous avec le compte de votre organisation

## Clé de sécurité

key-pin-label = Le PIN de votre clé de sécurité
key-new-pin-why = Votre organisation exige un PIN sur la clé, et elle n’en a pas encore. Choisissez-en un : la clé le demandera désormais.
key-new-pin-label = Nouveau PIN ({ $n } caractères ou plus)
key-new-pin-again = Encore
key-new-pin-again-label = Le même PIN une seconde fois
key-set-pin = Définir le PIN
key-pin-too-short = Au moins { $n } caractères.
key-pins-differ = Les deux PIN diffèrent.
key-waiting-looking = Recherche de votre clé de sécurité…
key-waiting-insert = Branchez votre clé de sécurité (celle-ci seulement).
key-waiting-touch = Touchez votre clé de sécurité maintenant (elle clignote).
key-waiting-touch-again = Touchez-la encore une fois, pour que le serveur la vérifie.
key-waiting-working = Un instant…
key-waiting-system = Windows affiche maintenant sa propre fenêtre : choisissez-y votre clé de sécurité ou Windows Hello, et suivez-la.
key-waiting-system-again = Windows demande une fois de plus, pour que le serveur vérifie : suivez à nouveau sa fenêtre.
key-system-note = Cette fenêtre appartient à Windows (Sécurité Windows), pas à Lastmile ; elle demande elle-même le code PIN et le toucher. Lastmile continue quand elle se ferme.

## Application d’authentification

totp-clock-off = l’horloge de cet appareil a { $offset }. Corrigez-la d’abord :
totp-step-open = Ouvrez votre application d’authentification (Microsoft Authenticator, Google Authenticator, 1Password, Authy…), ajoutez un compte et scannez ce code.
totp-step-open-recommended = { $organisation } recommande { $apps }. { $count ->
    [one] Ouvrez-la, ajoutez un compte et scannez ce code.
   *[other] Ouvrez l’une d’elles, ajoutez un compte et scannez ce code.
}
totp-qr-alt = Code QR pour votre application d’authentification
totp-step-by-hand = Impossible de scanner ? Ajoutez une clé basée sur le temps à la main :
totp-code-label = Saisissez le code à { $digits } chiffres qu’elle affiche
totp-unusual = Votre organisation demande { $digits } chiffres toutes les { $period } s ; certaines applications l’ignorent.

## Codes de récupération

recovery-shown = Vos nouveaux codes de récupération. Chacun fonctionne une fois ; les précédents ne fonctionnent plus dès maintenant. Gardez-les loin de cet appareil.
recovery-save = Enregistrer dans un fichier
recovery-print = Imprimer
recovery-copy = Copier
recovery-saved = Enregistrés dans { $path } (lisibles par vous seul).
recovery-copied = Copiés. Collez-les dans votre gestionnaire de mots de passe, puis videz le presse-papiers.
recovery-copy-failed = Ce système ne laisse pas l’application copier ; utilisez Enregistrer ou Imprimer.
recovery-confirm-label = Saisissez-en un pour confirmer que vous les avez gardés

## Récupération après la perte d’un appareil

recover-open-joined = Téléphone ou clé perdu ? Récupérez avec un code de récupération
recover-open-not-joined = Pas d’invitation parce que vous avez perdu votre appareil ? Récupérez avec un code de récupération
recover-title = Récupérer après la perte d’un appareil
recover-intro = Utilisez l’un des codes de récupération que vous avez gardés. Il fonctionne une fois.
recover-server-label = Adresse du serveur (donnée par votre équipe informatique)
recover-user-label = Votre adresse e-mail professionnelle
recover-code-label = Code de récupération
recover-more-options = Plus d’options
recover-org-label = Organisation (seulement si votre équipe informatique vous en a donné une)
recover-sign-in = Se connecter
recover-continuing = Poursuite de votre session de récupération.
recover-signed-in = Connecté en tant que { $name } ({ $organisation }){ $resumed ->
    [yes] , suite d’une tentative précédente
   *[no] {""}
}. Ce code est utilisé ; il en reste { $left } dans l’ancien jeu. La session se termine à { $until }.
recover-clock = L’horloge de cet appareil a { $offset }. La récupération fonctionne quand même, mais les codes de l’application d’authentification échoueront tant qu’elle ne sera pas corrigée :
recover-revoke-intro = Révoquez tout ce que vous avez perdu. Cela cesse de fonctionner immédiatement.
recover-factor-state = { $verified ->
    [yes] vérifié
   *[no] non vérifié
}{ $left ->
    [none] {""}
    [one] , un code restant
   *[other] , { $left } codes restants
}{ $from ->
    [none] {""}
   *[other] , configuré depuis { $from }
}
recover-device-state = { $os } · rejoint le { $joined }{ $current ->
    [yes] {" "}· cet appareil
   *[no] {""}
}
recover-revoke = Révoquer
recover-revoked = Révoqué : { $list }.
recover-next-factor = Suivant : une nouvelle application d’authentification
recover-factor-intro = Configurez une application d’authentification sur votre nouveau téléphone.
recover-codes-intro = Dernière étape : de nouveaux codes de récupération. L’ancien jeu cesse de fonctionner dès que vous les obtenez.
recover-done = Récupéré. Cet appareil a rejoint l’organisation et la session de récupération est close.

## Problèmes trouvés par l’application

problem-managed_settings_invalid = Les réglages Lastmile de votre organisation sont inutilisables.
problem-managed_settings_invalid-hint = Prévenez votre équipe informatique : le profil de gestion des appareils pour Lastmile contient une erreur. Tant qu’elle n’est pas corrigée, Lastmile ne fait rien de lui-même.
problem-user_settings_invalid = Votre propre fichier de réglages Lastmile est inutilisable ; il a été ignoré.
problem-user_settings_invalid-hint = Corrigez ou supprimez le fichier ; Lastmile ne l’a pas modifié.
problem-local_state_corrupt = L’enregistrement de cet appareil par Lastmile est illisible.
problem-local_state_corrupt-hint = Lastmile a gardé le fichier. Rejoindre à nouveau le met de côté et repart de zéro.
problem-no_server = Aucun serveur Lastmile n’est configuré sur cet appareil.
problem-no_server-hint = Ouvrez le lien d’invitation de votre équipe informatique, ou connectez-vous avec le compte de votre organisation.
problem-server_unreachable = Cet appareil ne joint pas le serveur Lastmile.
problem-server_unreachable-hint = Vérifiez votre connexion réseau. Lastmile continue hors ligne et envoie ses rapports dès que le serveur revient.
problem-server_error = Le serveur Lastmile a répondu par une erreur.
problem-server_error-hint = Réessayez plus tard, ou prévenez votre équipe informatique.
problem-device_not_recognised = Le serveur ne reconnaît plus cet appareil.
problem-device_not_recognised-hint = Il a peut-être été révoqué. Demandez une nouvelle invitation à votre équipe informatique, ou récupérez avec un code de récupération si vous avez perdu un appareil.
problem-keyring_unavailable = Cet appareil n’a pas de trousseau utilisable ; Lastmile ne peut donc pas garder sa connexion en sécurité.
problem-keyring_unavailable-hint = Lastmile garde ses identifiants uniquement dans le trousseau du système. Déverrouillez-le (sous Linux : GNOME Keyring ou KWallet), puis vérifiez à nouveau.
problem-not_joined = Cet appareil n’a pas encore rejoint votre organisation.
problem-not_joined-hint = Rejoignez-la avec le code ou le lien d’invitation de votre équipe informatique, ou avec la connexion de votre organisation.
problem-clock_fail = L’horloge de cet appareil a { $offset } : les codes de l’application d’authentification échoueront.
problem-clock_fail-hint = Remettez l’horloge à l’heure : les étapes pour cet appareil sont sous Horloge.
problem-clock_warn = L’horloge de cet appareil a { $offset } : les codes de l’application d’authentification peuvent échouer.
problem-clock_warn-hint = Remettez l’horloge à l’heure : les étapes pour cet appareil sont sous Horloge.
problem-managed_settings_unknown = Les réglages de votre organisation mentionnent quelque chose que cette version de Lastmile ne connaît pas.
problem-managed_settings_unknown-hint = Les autres réglages s’appliquent. Un profil pour un Lastmile plus récent ? Mettez l’application à jour ; sinon prévenez votre équipe informatique.

## Erreurs de ce que la personne a demandé

error-invalid_input = Lastmile ne peut rien faire de cela.
error-invalid_input-hint = Vérifiez ce que vous avez saisi ou collé, puis réessayez.
error-managed_setting = Votre organisation a fixé ce réglage ; il ne peut pas être changé ici.
error-managed_setting-hint = Demandez à votre équipe informatique s’il doit en être autrement.
error-config_invalid = Un fichier de réglages de Lastmile est illisible.
error-config_invalid-hint = Corrigez ou supprimez le fichier indiqué ci-dessous ; Lastmile ne l’a pas modifié.
error-no_server = Aucun serveur Lastmile n’est configuré sur cet appareil.
error-no_server-hint = Utilisez le lien d’invitation de votre équipe informatique : il indique le serveur.
error-server_unreachable = Le serveur Lastmile est injoignable.
error-server_unreachable-hint = Vérifiez votre connexion réseau, puis réessayez.
error-server_error = Le serveur Lastmile a répondu par une erreur.
error-server_error-hint = Réessayez dans un instant ; si cela se reproduit, prévenez votre équipe informatique.
error-invite_invalid = Cette invitation n’est pas valide.
error-invite_invalid-hint = Collez le code ou le lien complet de votre invitation, tel que vous l’avez reçu.
error-invite_expired = Cette invitation a expiré.
error-invite_expired-hint = Demandez-en une nouvelle à votre équipe informatique.
error-invite_used = Cette invitation a déjà été utilisée.
error-invite_used-hint = Chaque invitation ne sert qu’une fois. Demandez-en une nouvelle à votre équipe informatique.
error-keyring_unavailable = Cet appareil n’a pas de trousseau utilisable ; Lastmile ne peut donc pas garder sa connexion en sécurité.
error-keyring_unavailable-hint = Déverrouillez le trousseau du système (sous Linux : GNOME Keyring ou KWallet), puis réessayez.
error-already_joined = Cet appareil a déjà rejoint une organisation.
error-already_joined-hint = Pour en rejoindre une autre, quittez d’abord l’actuelle.
error-not_joined = Cet appareil n’a pas encore rejoint votre organisation.
error-not_joined-hint = Rejoignez-la d’abord, avec une invitation ou la connexion de votre organisation.
error-totp_invalid = Ce code n’est pas le bon.
error-totp_invalid-hint = Saisissez le code affiché maintenant par votre application d’authentification ; les codes changent toutes les 30 secondes.
error-totp_replayed = Ce code a déjà été utilisé.
error-totp_replayed-hint = Attendez le code suivant dans votre application d’authentification, puis saisissez-le.
error-recovery_code_invalid = Ce code de récupération n’est pas le bon.
error-recovery_code_invalid-hint = Comparez-le aux codes que vous avez gardés ; chacun ne sert qu’une fois.
error-recovery_refused = Ces informations ne correspondent à aucun code de récupération.
error-recovery_refused-hint = Vérifiez l’adresse e-mail et le code. Après plusieurs essais, patientez quelques minutes.
error-recovery_session_expired = Votre session de récupération est terminée.
error-recovery_session_expired-hint = Reconnectez-vous avec un autre de vos codes de récupération.
error-device_revoked = Cet appareil a été révoqué.
error-device_revoked-hint = Demandez une nouvelle invitation à votre équipe informatique, ou récupérez avec un code de récupération.
error-key_missing = Aucune clé de sécurité n’a été trouvée, ou plus d’une.
error-key_missing-hint = Branchez une seule clé de sécurité, puis réessayez.
error-key_pin_wrong = Ce PIN n’est pas le bon.
error-key_pin_wrong-hint = Réessayez avec soin : après trop de PIN erronés, la clé se bloque.
error-key_pin_blocked = Le PIN de la clé de sécurité est bloqué.
error-key_pin_blocked-hint = La clé doit être réinitialisée avant de pouvoir resservir ; demandez à votre équipe informatique.
error-key_cancelled = La clé de sécurité n’a pas été touchée à temps, ou vous avez annulé.
error-key_cancelled-hint = Recommencez et touchez la clé quand elle clignote.
error-key_excluded = Cette clé de sécurité est déjà enregistrée.
error-key_excluded-hint = Elle compte déjà pour vous ; il n’y a rien de plus à faire avec elle.
error-key_not_allowed = Votre organisation n’accepte pas ce modèle de clé de sécurité.
error-key_not_allowed-hint = Demandez à votre équipe informatique quelles clés elle accepte.
error-key_permission = Cet appareil ne laisse pas Lastmile utiliser la clé de sécurité.
error-key_permission-hint = Votre équipe informatique peut l’autoriser (sous Linux, une règle udev pour les clés de sécurité).
error-key_failed = La clé de sécurité n’a pas pu être enregistrée.
error-key_failed-hint = Débranchez-la, rebranchez-la et réessayez.
error-sso_unavailable = Votre organisation n’a pas de connexion permettant de rejoindre.
error-sso_unavailable-hint = Rejoignez plutôt avec une invitation de votre équipe informatique.
error-sso_cancelled = La connexion a été annulée, ou n’est pas revenue à temps.
error-sso_cancelled-hint = Recommencez quand vous serez prêt.
error-sso_failed = La connexion n’a pas pu aboutir.
error-sso_failed-hint = Réessayez ; si l’échec persiste, prévenez votre équipe informatique.
error-sso_not_allowed = Vous êtes connecté, mais votre compte ne peut pas rejoindre de cette façon.
error-sso_not_allowed-hint = Demandez une invitation à votre équipe informatique.
error-rate_limited = Trop d’essais en peu de temps.
error-rate_limited-hint = Patientez quelques minutes, puis réessayez.
error-local_state = Lastmile n’a pas pu lire ou enregistrer son suivi de cet appareil.
error-local_state-hint = Le fichier est indiqué ci-dessous. Vérifiez que le disque n’est pas plein ; rejoindre à nouveau repart de zéro.
error-internal = Un problème est survenu dans Lastmile.
error-internal-hint = Réessayez ; si cela se reproduit, envoyez un paquet d’assistance à votre équipe informatique (lastmile support-bundle).
## Screens: the overview and the details

nav-label = Écrans
nav-details = Détails
nav-overview = Vue d’ensemble
nav-home-announce = Vue d’ensemble
details-title = Détails
details-intro = Tout ce que Lastmile sait de cet appareil, pour votre équipe informatique.
account-title = Votre compte
account-name = Nom
account-email = E-mail
account-organisation = Organisation
account-device-id = Identifiant de l’appareil
home-join-title = Rejoignez votre organisation
home-join-intro = Lastmile vérifie que votre connexion est protégée et le montre à votre équipe informatique. Commencez par relier cet appareil à votre organisation.
standing-met-title = Tout est en ordre
standing-gap-title = { $organisation } vous demande une étape de plus
standing-excepted-title = Couvert par une exception de { $organisation }
standing-needs = Il manque encore :
standing-unknown-title = Votre situation n’est pas encore connue
standing-unknown = Le serveur n’a pas encore répondu. Lastmile réessaie de lui-même.
need-tier = { $tier ->
    [phishing_resistant] Une méthode de connexion résistante à l’hameçonnage : une clé de sécurité ou un authentificateur intégré
    [strong] Une méthode de connexion forte : une application d’authentification ou une clé de sécurité
    [recovery] Des codes de récupération ou une méthode plus forte
   *[other] Une méthode de connexion vérifiée
}
need-factors = { $need ->
    [one] Une méthode de connexion vérifiée
   *[other] { $need } méthodes de connexion vérifiées
} (vous en avez { $have })
need-recovery-codes = Des codes de récupération, gardés et confirmés
next-security-key = { $model ->
    [none] Enregistrer la clé de sécurité branchée
   *[other] Enregistrer votre { $model }
}
next-plug-in-security-key = Brancher une clé de sécurité pour l’enregistrer
next-platform-authenticator = Configurer Windows Hello
next-platform-authenticator-note = Configurez-le dans les Paramètres de Windows, Comptes, Options de connexion ; Lastmile le verra à sa prochaine vérification.
next-totp = Configurer une application d’authentification
next-recovery-codes = Obtenir des codes de récupération
factors-title = Vos méthodes de connexion
add-title = Ajouter une autre méthode de connexion
add-security-key = Clé de sécurité
add-security-key-note = La plus forte : elle ne peut pas être hameçonnée.
add-totp = Application d’authentification
add-totp-note = Un code venant d’une application de votre téléphone.
add-recovery-codes = Codes de récupération
add-recovery-codes-new = Nouveaux codes de récupération
add-recovery-codes-note = Pour le jour où vous perdez cet appareil. Les nouveaux annulent les anciens.

## Flows: one task in the whole window

flow-back = Retour
flow-progress = Étape { $n } sur { $total } : { $label }
action-try-again = Réessayer
key-flow-title = Ajouter une clé de sécurité
key-step-connect = Brancher la clé
key-step-register = L’enregistrer
key-step-verify = La vérifier
key-insert-note = Utilisez le port USB ou approchez-la du lecteur NFC.
key-touch-note = Touchez le contact métallique ou le bouton de la clé.
totp-flow-title = Ajouter une application d’authentification
totp-step-scan-title = Scanner le code
totp-step-code-title = Saisir un code
totp-next = C’est ajouté
totp-show-again = Revoir le code
recovery-flow-title = Obtenir des codes de récupération
recovery-step-save = Les garder
recovery-step-confirm = En confirmer un
recovery-next = Je les ai gardés
recovery-next-note = Enregistrez-les, imprimez-les ou copiez-les d’abord.
recovery-show-again = Revoir les codes
recovery-replace-warning = Vous avez déjà des codes de récupération. De nouveaux codes les remplacent : ceux que vous avez cessent aussitôt de fonctionner.
recovery-replace = Créer de nouveaux codes
recover-step-sign-in = Se connecter avec un code de récupération
recover-step-review = Retirer ce que vous avez perdu
recover-step-factor = Une nouvelle application d’authentification
recover-step-codes = De nouveaux codes de récupération
recover-skip-factor = Passer : j’ai une autre méthode de connexion
success-key = Votre { $name } est vérifiée par { $organisation }.
success-totp = Votre application d’authentification est vérifiée par { $organisation }.
success-recovery = Vos codes de récupération sont confirmés par { $organisation }.
success-met = Vous respectez la politique de { $organisation }.
success-excepted = Une exception de { $organisation } vous couvre pour l’instant.
success-more = { $organisation } vous demande une étape de plus.
success-next = Ensuite : { $step }
success-later = Plus tard
success-done = Terminé

## Fixing a wrong clock, for the person's own system (the steps the window and the terminal show)

clockfix-windows-1 = Ouvrez Paramètres > Heure et langue > Date et heure.
clockfix-windows-2 = Activez « Régler l’heure automatiquement » et « Définir le fuseau horaire automatiquement ».
clockfix-windows-3 = Cliquez sur « Synchroniser maintenant » (ou lancez `w32tm /resync` dans un terminal administrateur).
clockfix-macos-1 = Ouvrez Réglages Système > Général > Date et heure.
clockfix-macos-2 = Activez « Régler la date et l’heure automatiquement » (source : time.apple.com).
clockfix-macos-3 = Si c’est déjà activé, désactivez puis réactivez pour synchroniser tout de suite.
clockfix-gnome-1 = Ouvrez Paramètres > Système > Date et heure.
clockfix-gnome-2 = Activez « Date et heure automatiques » et « Fuseau horaire automatique ».
clockfix-gnome-3 = Si l’horloge reste fausse, lancez `timedatectl set-ntp true` et vérifiez `timedatectl timesync-status`.
clockfix-kde-1 = Ouvrez Configuration du système > Date et heure (Région et langue > Date et heure sous Plasma 6).
clockfix-kde-2 = Cochez « Régler la date et l’heure automatiquement » et appliquez.
clockfix-kde-3 = Si l’horloge reste fausse, lancez `timedatectl set-ntp true` et vérifiez `timedatectl timesync-status`.
clockfix-systemd-1 = Lancez `sudo timedatectl set-ntp true` pour activer systemd-timesyncd.
clockfix-systemd-2 = Vérifiez avec `timedatectl timesync-status` (« System clock synchronized: yes »).
clockfix-systemd-3 = Si votre réseau bloque le NTP public, indiquez le serveur de votre entreprise dans NTP= de /etc/systemd/timesyncd.conf.
clockfix-other-1 = Activez l’heure réseau automatique (NTP) dans les réglages de date et d’heure de votre système.
clockfix-other-2 = Vérifiez le fuseau horaire : un mauvais fuseau ressemble à une horloge décalée de plusieurs heures.

## What this device has, as the app found it (worded from its notes; Details and lastmile status)

keys-note-none_plugged = aucune clé de sécurité USB n’est branchée
keys-note-no_permission = { $attached ->
    [one] un appareil FIDO est branché
   *[other] { $attached } appareils FIDO sont branchés
}, mais cet utilisateur ne peut pas ouvrir { $nodes }. Installez une règle udev qui donne accès aux clés FIDO (systemd 252 et suivants les marquent d’eux-mêmes ; sur les systèmes plus anciens, ajoutez dans /etc/udev/rules.d/70-fido.rules une règle avec TAG+="uaccess" pour le fabricant USB de la clé), puis débranchez et rebranchez la clé.
keys-note-windows_administrators_only = Windows ne laisse que les administrateurs parler directement aux clés de sécurité ; Lastmile les atteint par l’API WebAuthn de Windows quand vous en ajoutez une
keys-note-no_usb_support = cette version de Lastmile ne prend pas en charge les clés de sécurité USB
keys-note-scan_failed = les appareils USB n’ont pas pu être listés ({ $error })
platform-note-windows_hello = L’API WebAuthn de Windows (version { $api_version }) est présente ; Windows demande Hello (visage, empreinte ou code PIN) quand vous l’ajoutez.
platform-note-windows_no_webauthn = Ce Windows n’a pas l’API WebAuthn (Windows 10 1903 ou plus récent est nécessaire).
platform-note-touch_id = Touch ID s’enregistre par le navigateur ou l’app Mots de passe ; Lastmile ne peut pas l’ajouter directement : utilisez ici une clé de sécurité ou une application d’authentification.
platform-note-fingerprint_reader = Cet ordinateur a un lecteur d’empreintes ({ $reader }), mais sous Linux il sert à l’écran de connexion (fprintd), pas à WebAuthn ; Lastmile ne peut donc pas en faire un facteur : utilisez une clé de sécurité, ou une application d’authentification avec des codes de récupération.
platform-note-linux = Linux n’a pas d’authentificateur intégré pour WebAuthn ; utilisez une clé de sécurité, ou une application d’authentification avec des codes de récupération.
platform-note-other_os = Ce système n’a pas d’authentificateur intégré que Lastmile puisse utiliser ; utilisez une clé de sécurité, ou une application d’authentification avec des codes de récupération.
tpm-note-linux_device = { $version ->
    [unknown] un TPM (version inconnue) est en /dev/tpm0
   *[other] TPM { $version } trouvé en /dev/tpm0
}
tpm-note-linux_none = le noyau n’expose aucun TPM (/sys/class/tpm)
tpm-note-windows_device = un périphérique TPM 2.0 est présent
tpm-note-windows_none = aucun périphérique TPM 2.0 n’est énuméré
tpm-note-mac_secure_enclave = les Mac n’ont pas de TPM ; les Mac à puce Apple ou T2 ont une Secure Enclave à la place
tpm-note-unknown = la détection du TPM n’est pas disponible sur ce système

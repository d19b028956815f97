# Los textos de la ventana en español. Fuente: locales/en/window.ftl.

app-name = Lastmile
app-loading = Comprobando este dispositivo…
footer = Lastmile { $version } · comprobado a las { $time }

## Cabecera

header-managed-by = Gestionado por { $organisation }
header-help = Ayuda
header-checking = Comprobando…
header-check-again = Comprobar de nuevo

## Acciones y valores comunes

action-cancel = Cancelar
action-confirm = Confirmar
action-continue = Continuar
action-preparing = Preparando…
action-verify = Verificar
value-yes = Sí
value-no = No
value-unknown = Desconocido
duration-ms = { $n } ms
duration-s = { NUMBER($n, maximumFractionDigits: 1, minimumFractionDigits: 1) } s

## Este dispositivo

device-title = Este dispositivo
device-system = Sistema
device-architecture = Arquitectura
device-name = Nombre
device-kernel = Núcleo

## Autenticadores

authenticators-title = Autenticadores
keys-title = Llaves de seguridad
keys-none = No se encontró ninguna
key-aaguid = AAGUID
key-pin = PIN { $state ->
    [set] configurado
    [unset] sin configurar
   *[unsupported] no admitido
}
key-fingerprint = Huella { $enrolled ->
    [yes] registrada
   *[no] sin registrar
}
key-passkeys = Llaves de acceso { $supported ->
    [yes] admitidas
   *[no] no admitidas
}
key-min-pin = PIN ≥ { $n }
key-firmware = Firmware { $version }
platform-windows-hello = Windows Hello
platform-touch-id = Touch ID
platform-none = Autenticador integrado
platform-checked-at-enrollment = Se comprueba al registrarlo
tpm-title = TPM

## Servidor y reloj

server-title = Servidor
server-address = Dirección
server-status = Estado
server-not-configured = Sin configurar
server-reachable = Accesible (versión { $version })
server-unreachable = No accesible
clock-title = Reloj
clock-verdict-ok = Bien para los códigos
clock-verdict-warn = Los códigos pueden fallar
clock-verdict-fail = Los códigos fallarán
clock-offset = { $direction ->
    [ahead] { $amount } por delante del servidor
    [behind] { $amount } por detrás del servidor
   *[same] en hora con el servidor
}
clock-uncertainty = (±{ $ms } ms)
clock-not-measured = Sin medir: el servidor no es accesible.

## Ajustes

settings-title = Ajustes
settings-start-at-login = Abrir Lastmile al iniciar sesión
settings-start-at-login-locked = Lo decide su organización.
settings-language = Idioma
settings-language-system = El idioma del sistema
settings-language-note = La ventana, el icono de la bandeja, los recordatorios y los comandos del terminal lo hablan.
settings-language-locked = Su organización fija el idioma.
settings-start-at-login-note = Solo se abre cuando hay algo que hacer; si no, se queda en la bandeja del sistema.
setting-server-url = Servidor
setting-organisation = Organización
setting-report-interval-minutes = Informe cada (minutos)
setting-proxy-url = Proxy
setting-ntp-servers = Servidores NTP
setting-sso-provider = Inicio de sesión
setting-managed-by = Gestionado por
setting-support-url = Ayuda
setting-log-level = Nivel de registro
setting-invite = Invitación
setting-ca-bundle = Certificados de confianza adicionales
setting-reminders = Recordatorios
setting-quiet-hours = Horas de silencio
setting-autostart = Inicio al iniciar sesión
setting-locale = Idioma
setting-source-managed = Fijado por su organización
setting-source-command-line = Línea de comandos
setting-source-user = Su ajuste
setting-source-default = Predeterminado

## Su organización: unirse, situación, factores

join-invite-label = Código o enlace de invitación de su equipo de TI
join-invite-label-or = O un código o enlace de invitación de su equipo de TI
join-button = Unirse
join-busy = Uniéndose…
join-done = Se ha unido a { $organisation } como { $name }.
join-link-server = Esta invitación le conecta con { $server }.
keyring-missing = Este dispositivo no tiene un llavero utilizable, así que Lastmile no puede guardar su sesión de forma segura:
server-view = { $factors ->
    [0] Aún no hay ningún factor suyo verificado.
    [one] Un factor suyo está verificado.
   *[other] { $factors } factores suyos están verificados.
} { $reports ->
    [0] Este dispositivo aún no ha enviado informes.
    [one] Este dispositivo ha enviado un informe.
   *[other] Este dispositivo ha enviado { $reports } informes.
}
outbox-waiting = { $n ->
    [one] Un informe espera a enviarse.
   *[other] { $n } informes esperan a enviarse.
}
outbox-waiting-next = { $n ->
    [one] Un informe espera a enviarse; próximo intento a las { $time }.
   *[other] { $n } informes esperan a enviarse; próximo intento a las { $time }.
}
standing-met = Cumple la política de { $organisation }{ $group ->
    [none] {""}
   *[other] {" "}(grupo { $group })
}.
standing-excepted = La excepción dura hasta el { $until }. Hasta entonces, añada lo que aún falta:
standing-deadline = Necesario antes del { $deadline }.
standing-level-remind = Recordatorio
standing-level-warn = Aviso
standing-level-block = Bloqueado
factor-totp = Aplicación de autenticación
factor-recovery-codes = Códigos de recuperación
factor-security-key = Llave de seguridad
factor-platform-authenticator = Autenticador integrado
factor-certified = Certificada FIDO { $level }
factor-verified-at = verificado el { $when }
tier-phishing-resistant = Resistente al phishing
tier-strong = Fuerte
tier-recovery = Recuperación
tier-weak = Débil

## Unirse con el inicio de sesión de la organización

sso-sign-in-with = Iniciar sesión con { $organisation }
sso-sign-in-with-provider = Iniciar sesión con { $organisation }: { $provider }
sso-continue-in-browser = Continúe en su navegador.
sso-waiting = Inicie sesión con { $provider } allí; esta ventana le seguirá sola.
sso-opening-browser = Abriendo su navegador…
sso-no-browser = Si no se abrió ningún navegador, abra esta dirección en el suyo:
sso-explained = Inicia sesión en su navegador, con su cuenta de trabajo de siempre.
sso-org-label = El nombre corto de su organización (su equipo de TI lo conoce)
sso-ask-open = ¿Sin invitación? Inicie sesión con la cuenta de su organización

## Llave de seguridad

key-pin-label = El PIN de su llave de seguridad
key-new-pin-why = Su organización exige un PIN en la llave y aún no tiene ninguno. Elija uno: la llave lo pedirá a partir de ahora.
key-new-pin-label = PIN nuevo ({ $n } caracteres o más)
key-new-pin-again = Otra vez
key-new-pin-again-label = El mismo PIN otra vez
key-set-pin = Fijar el PIN
key-pin-too-short = Al menos { $n } caracteres.
key-pins-differ = Los dos PIN no coinciden.
key-waiting-looking = Buscando su llave de seguridad…
key-waiting-insert = Conecte su llave de seguridad (solo esa).
key-waiting-touch = Toque ahora su llave de seguridad (parpadea).
key-waiting-touch-again = Tóquela una vez más para que el servidor la verifique.
key-waiting-working = Un momento…
key-waiting-system = Windows muestra ahora su propia ventana: elija allí su llave de seguridad o Windows Hello y sígala.
key-waiting-system-again = Windows pregunta una vez más, para que el servidor verifique: siga de nuevo su ventana.
key-system-note = Esa ventana es de Windows (Seguridad de Windows), no de Lastmile; pide ella misma el PIN y el toque. Lastmile continúa cuando se cierra.

## Aplicación de autenticación

totp-clock-off = el reloj de este dispositivo va { $offset }. Corríjalo primero:
totp-step-open = Abra su aplicación de autenticación (Microsoft Authenticator, Google Authenticator, 1Password, Authy…), añada una cuenta y escanee este código.
totp-step-open-recommended = { $organisation } recomienda { $apps }. { $count ->
    [one] Ábrala, añada una cuenta y escanee este código.
   *[other] Abra una de ellas, añada una cuenta y escanee este código.
}
totp-qr-alt = Código QR para su aplicación de autenticación
totp-step-by-hand = ¿No puede escanearlo? Añada a mano una clave basada en el tiempo:
totp-code-label = Escriba el código de { $digits } dígitos que muestra
totp-unusual = Su organización pide { $digits } dígitos cada { $period } s; algunas aplicaciones lo ignoran.

## Códigos de recuperación

recovery-shown = Sus nuevos códigos de recuperación. Cada uno funciona una vez; los anteriores han dejado de funcionar ahora mismo. Guárdelos lejos de este dispositivo.
recovery-save = Guardar en un archivo
recovery-print = Imprimir
recovery-copy = Copiar
recovery-saved = Guardados en { $path } (solo usted puede leerlos).
recovery-copied = Copiados. Péguelos en su gestor de contraseñas y luego vacíe el portapapeles.
recovery-copy-failed = Este sistema no deja copiar a la aplicación; use Guardar o Imprimir.
recovery-confirm-label = Escriba uno de ellos para confirmar que los ha guardado

## Recuperar tras perder un dispositivo

recover-open-joined = ¿Ha perdido el teléfono o la llave? Recupere con un código de recuperación
recover-open-not-joined = ¿Sin invitación porque perdió su dispositivo? Recupere con un código de recuperación
recover-title = Recuperar tras perder un dispositivo
recover-intro = Use uno de los códigos de recuperación que guardó. Funciona una vez.
recover-server-label = Dirección del servidor (de su equipo de TI)
recover-user-label = Su correo electrónico del trabajo
recover-code-label = Código de recuperación
recover-more-options = Más opciones
recover-org-label = Organización (solo si su equipo de TI le dio una)
recover-sign-in = Iniciar sesión
recover-continuing = Continuando su sesión de recuperación.
recover-signed-in = Sesión iniciada como { $name } ({ $organisation }){ $resumed ->
    [yes] , continuando un intento anterior
   *[no] {""}
}. Ese código ya está usado; quedan { $left } en el juego anterior. La sesión termina a las { $until }.
recover-clock = El reloj de este dispositivo va { $offset }. La recuperación funciona igualmente, pero los códigos de la aplicación de autenticación fallarán hasta que se corrija:
recover-revoke-intro = Revoque todo lo que perdió. Deja de funcionar al instante.
recover-factor-state = { $verified ->
    [yes] verificado
   *[no] sin verificar
}{ $left ->
    [none] {""}
    [one] , queda un código
   *[other] , quedan { $left } códigos
}{ $from ->
    [none] {""}
   *[other] , configurado desde { $from }
}
recover-device-state = { $os } · unido el { $joined }{ $current ->
    [yes] {" "}· este dispositivo
   *[no] {""}
}
recover-revoke = Revocar
recover-revoked = Revocado: { $list }.
recover-next-factor = Siguiente: una nueva aplicación de autenticación
recover-factor-intro = Configure una aplicación de autenticación en su nuevo teléfono.
recover-codes-intro = Último paso: nuevos códigos de recuperación. El juego anterior deja de funcionar cuando los obtenga.
recover-done = Recuperado. Este dispositivo está unido y la sesión de recuperación se ha cerrado.

## Problemas que ha encontrado la aplicación

problem-managed_settings_invalid = Los ajustes de Lastmile de su organización no se pueden usar.
problem-managed_settings_invalid-hint = Avise a su equipo de TI: el perfil de gestión de dispositivos de Lastmile tiene un error. Hasta que se corrija, Lastmile no hace nada por su cuenta.
problem-user_settings_invalid = Su propio archivo de ajustes de Lastmile no se puede usar y se ha ignorado.
problem-user_settings_invalid-hint = Corrija o borre el archivo; Lastmile no lo ha cambiado.
problem-local_state_corrupt = No se puede leer el registro que Lastmile guarda de este dispositivo.
problem-local_state_corrupt-hint = Lastmile ha conservado el archivo. Unirse de nuevo lo aparta y empieza de cero.
problem-no_server = No hay ningún servidor de Lastmile configurado en este dispositivo.
problem-no_server-hint = Abra el enlace de invitación de su equipo de TI o inicie sesión con la cuenta de su organización.
problem-server_unreachable = Este dispositivo no llega al servidor de Lastmile.
problem-server_unreachable-hint = Compruebe su conexión de red. Lastmile sigue funcionando sin conexión y envía los informes cuando el servidor vuelve.
problem-server_error = El servidor de Lastmile ha respondido con un error.
problem-server_error-hint = Inténtelo más tarde o avise a su equipo de TI.
problem-device_not_recognised = El servidor ya no reconoce este dispositivo.
problem-device_not_recognised-hint = Puede que se haya revocado. Pida una nueva invitación a su equipo de TI o recupere con un código de recuperación si perdió un dispositivo.
problem-keyring_unavailable = Este dispositivo no tiene un llavero utilizable, así que Lastmile no puede guardar su sesión de forma segura.
problem-keyring_unavailable-hint = Lastmile guarda sus credenciales solo en el llavero del sistema. Desbloquéelo (en Linux: GNOME Keyring o KWallet) y vuelva a comprobar.
problem-not_joined = Este dispositivo aún no se ha unido a su organización.
problem-not_joined-hint = Únase con el código o enlace de invitación de su equipo de TI, o con el inicio de sesión de su organización.
problem-clock_fail = El reloj de este dispositivo va { $offset }: los códigos de la aplicación de autenticación fallarán.
problem-clock_fail-hint = Ponga el reloj en hora: los pasos para este dispositivo están en Reloj.
problem-clock_warn = El reloj de este dispositivo va { $offset }: los códigos de la aplicación de autenticación pueden fallar.
problem-clock_warn-hint = Ponga el reloj en hora: los pasos para este dispositivo están en Reloj.
problem-managed_settings_unknown = Los ajustes de su organización nombran algo que esta versión de Lastmile no conoce.
problem-managed_settings_unknown-hint = Los demás ajustes se aplican. ¿Un perfil para un Lastmile más nuevo? Actualice la aplicación; si no, avise a su equipo de TI.

## Errores de lo que pidió la persona

error-invalid_input = Lastmile no puede usar eso.
error-invalid_input-hint = Revise lo que escribió o pegó y vuelva a intentarlo.
error-managed_setting = Su organización ha fijado esto, así que no se puede cambiar aquí.
error-managed_setting-hint = Pregunte a su equipo de TI si debería ser distinto.
error-config_invalid = No se puede leer un archivo de ajustes de Lastmile.
error-config_invalid-hint = Corrija o borre el archivo indicado abajo; Lastmile no lo ha cambiado.
error-no_server = No hay ningún servidor de Lastmile configurado en este dispositivo.
error-no_server-hint = Use el enlace de invitación de su equipo de TI: indica el servidor.
error-server_unreachable = No se puede llegar al servidor de Lastmile.
error-server_unreachable-hint = Compruebe su conexión de red y vuelva a intentarlo.
error-server_error = El servidor de Lastmile ha respondido con un error.
error-server_error-hint = Vuelva a intentarlo en un momento; si sigue pasando, avise a su equipo de TI.
error-invite_invalid = Esa invitación no es válida.
error-invite_invalid-hint = Pegue el código o el enlace completo de su invitación, tal como lo recibió.
error-invite_expired = Esa invitación ha caducado.
error-invite_expired-hint = Pida una nueva a su equipo de TI.
error-invite_used = Esa invitación ya se ha usado.
error-invite_used-hint = Cada invitación sirve una vez. Pida una nueva a su equipo de TI.
error-keyring_unavailable = Este dispositivo no tiene un llavero utilizable, así que Lastmile no puede guardar su sesión de forma segura.
error-keyring_unavailable-hint = Desbloquee el llavero del sistema (en Linux: GNOME Keyring o KWallet) y vuelva a intentarlo.
error-already_joined = Este dispositivo ya se ha unido a una organización.
error-already_joined-hint = Para unirse a otra, abandone primero la actual.
error-not_joined = Este dispositivo aún no se ha unido a su organización.
error-not_joined-hint = Únase primero, con una invitación o con el inicio de sesión de su organización.
error-totp_invalid = Ese código no es correcto.
error-totp_invalid-hint = Escriba el código que muestra ahora su aplicación de autenticación; los códigos cambian cada 30 segundos.
error-totp_replayed = Ese código ya se ha usado.
error-totp_replayed-hint = Espere al siguiente código de su aplicación de autenticación y escríbalo.
error-recovery_code_invalid = Ese código de recuperación no es correcto.
error-recovery_code_invalid-hint = Compárelo con los códigos que guardó; cada uno sirve solo una vez.
error-recovery_refused = Esos datos no corresponden a ningún código de recuperación.
error-recovery_refused-hint = Revise el correo electrónico y el código. Tras varios intentos, espere unos minutos.
error-recovery_session_expired = Su sesión de recuperación ha terminado.
error-recovery_session_expired-hint = Vuelva a iniciar sesión con otro de sus códigos de recuperación.
error-device_revoked = Este dispositivo ha sido revocado.
error-device_revoked-hint = Pida una nueva invitación a su equipo de TI o recupere con un código de recuperación.
error-key_missing = No se encontró ninguna llave de seguridad, o se encontró más de una.
error-key_missing-hint = Conecte exactamente una llave de seguridad y vuelva a intentarlo.
error-key_pin_wrong = Ese PIN no es correcto.
error-key_pin_wrong-hint = Vuelva a intentarlo con cuidado: tras demasiados PIN erróneos, la llave se bloquea.
error-key_pin_blocked = El PIN de la llave de seguridad está bloqueado.
error-key_pin_blocked-hint = Hay que restablecer la llave antes de volver a usarla; consulte a su equipo de TI.
error-key_cancelled = La llave de seguridad no se tocó a tiempo, o usted canceló.
error-key_cancelled-hint = Empiece de nuevo y toque la llave cuando parpadee.
error-key_excluded = Esta llave de seguridad ya está registrada.
error-key_excluded-hint = Ya cuenta para usted; no hay nada más que hacer con ella.
error-key_not_allowed = Su organización no acepta este modelo de llave de seguridad.
error-key_not_allowed-hint = Pregunte a su equipo de TI qué llaves acepta.
error-key_permission = Este dispositivo no deja a Lastmile usar la llave de seguridad.
error-key_permission-hint = Su equipo de TI puede permitirlo (en Linux, una regla udev para llaves de seguridad).
error-key_failed = No se pudo registrar la llave de seguridad.
error-key_failed-hint = Desconéctela, vuelva a conectarla e inténtelo otra vez.
error-sso_unavailable = Su organización no tiene un inicio de sesión con el que unirse.
error-sso_unavailable-hint = Únase con una invitación de su equipo de TI.
error-sso_cancelled = El inicio de sesión se canceló o no volvió a tiempo.
error-sso_cancelled-hint = Empiece de nuevo cuando esté listo.
error-sso_failed = No se pudo completar el inicio de sesión.
error-sso_failed-hint = Vuelva a intentarlo; si sigue fallando, avise a su equipo de TI.
error-sso_not_allowed = Ha iniciado sesión, pero su cuenta no puede unirse de esta forma.
error-sso_not_allowed-hint = Pida una invitación a su equipo de TI.
error-rate_limited = Demasiados intentos en poco tiempo.
error-rate_limited-hint = Espere unos minutos y vuelva a intentarlo.
error-local_state = Lastmile no pudo leer ni guardar su registro de este dispositivo.
error-local_state-hint = Abajo se indica el archivo. Compruebe que el disco no esté lleno; unirse de nuevo empieza un registro nuevo.
error-internal = Algo falló dentro de Lastmile.
error-internal-hint = Vuelva a intentarlo; si sigue pasando, envíe un paquete de soporte a su equipo de TI (lastmile support-bundle).
## Screens: the overview and the details

nav-label = Pantallas
nav-details = Detalles
nav-overview = Resumen
nav-home-announce = Resumen
details-title = Detalles
details-intro = Todo lo que Lastmile sabe de este dispositivo, para su equipo de TI.
account-title = Su cuenta
account-name = Nombre
account-email = Correo electrónico
account-organisation = Organización
account-device-id = ID del dispositivo
home-join-title = Únase a su organización
home-join-intro = Lastmile comprueba que su inicio de sesión está protegido y se lo muestra a su equipo de TI. Primero, conecte este dispositivo con su organización.
standing-met-title = Todo listo
standing-gap-title = { $organisation } le pide un paso más
standing-excepted-title = Cubierto por una excepción de { $organisation }
standing-needs = Aún falta:
standing-unknown-title = Aún no se conoce su situación
standing-unknown = El servidor aún no ha respondido. Lastmile lo vuelve a intentar por sí solo.
need-tier = { $tier ->
    [phishing_resistant] Un método de inicio de sesión resistente al phishing: una llave de seguridad o un autenticador integrado
    [strong] Un método de inicio de sesión fuerte: una aplicación de autenticación o una llave de seguridad
    [recovery] Códigos de recuperación o un método más fuerte
   *[other] Cualquier método de inicio de sesión verificado
}
need-factors = { $need ->
    [one] Un método de inicio de sesión verificado
   *[other] { $need } métodos de inicio de sesión verificados
} (tiene { $have })
need-recovery-codes = Códigos de recuperación, guardados y confirmados
next-security-key = { $model ->
    [none] Registrar la llave de seguridad conectada
   *[other] Registrar su { $model }
}
next-plug-in-security-key = Conectar una llave de seguridad para registrarla
next-platform-authenticator = Configurar Windows Hello
next-platform-authenticator-note = Configúrelo en Configuración de Windows, Cuentas, Opciones de inicio de sesión; Lastmile lo verá en su próxima comprobación.
next-totp = Configurar una aplicación de autenticación
next-recovery-codes = Obtener códigos de recuperación
factors-title = Sus métodos de inicio de sesión
add-title = Añadir otro método de inicio de sesión
add-security-key = Llave de seguridad
add-security-key-note = El más fuerte: no se puede suplantar con phishing.
add-totp = Aplicación de autenticación
add-totp-note = Un código de una aplicación en su teléfono.
add-recovery-codes = Códigos de recuperación
add-recovery-codes-new = Nuevos códigos de recuperación
add-recovery-codes-note = Para cuando pierda este dispositivo. Los nuevos anulan los anteriores.

## Flows: one task in the whole window

flow-back = Volver
flow-progress = Paso { $n } de { $total }: { $label }
action-try-again = Reintentar
key-flow-title = Añadir una llave de seguridad
key-step-connect = Conectar la llave
key-step-register = Registrarla
key-step-verify = Verificarla
key-insert-note = Use el puerto USB o acérquela al lector NFC.
key-touch-note = Toque el contacto metálico o el botón de la llave.
totp-flow-title = Añadir una aplicación de autenticación
totp-step-scan-title = Escanear el código
totp-step-code-title = Escribir un código
totp-next = Ya la he añadido
totp-show-again = Ver el código otra vez
recovery-flow-title = Obtener códigos de recuperación
recovery-step-save = Guardarlos
recovery-step-confirm = Confirmar uno
recovery-next = Ya los he guardado
recovery-next-note = Primero guárdelos, imprímalos o cópielos.
recovery-show-again = Ver los códigos otra vez
recovery-replace-warning = Ya tiene códigos de recuperación. Los nuevos los sustituyen: los que tiene dejan de funcionar de inmediato.
recovery-replace = Crear códigos nuevos
recover-step-sign-in = Iniciar sesión con un código de recuperación
recover-step-review = Quitar lo que perdió
recover-step-factor = Una nueva aplicación de autenticación
recover-step-codes = Nuevos códigos de recuperación
recover-skip-factor = Omitir: tengo otro método de inicio de sesión
success-key = Su { $name } está verificada por { $organisation }.
success-totp = Su aplicación de autenticación está verificada por { $organisation }.
success-recovery = Sus códigos de recuperación están confirmados por { $organisation }.
success-met = Cumple la política de { $organisation }.
success-excepted = Una excepción de { $organisation } le cubre por ahora.
success-more = { $organisation } le pide un paso más.
success-next = Siguiente: { $step }
success-later = Más tarde
success-done = Listo

## Fixing a wrong clock, for the person's own system (the steps the window and the terminal show)

clockfix-windows-1 = Abra Configuración > Hora e idioma > Fecha y hora.
clockfix-windows-2 = Active «Establecer la hora automáticamente» y «Establecer la zona horaria automáticamente».
clockfix-windows-3 = Haga clic en «Sincronizar ahora» (o ejecute `w32tm /resync` en un terminal de administrador).
clockfix-macos-1 = Abra Ajustes del Sistema > General > Fecha y hora.
clockfix-macos-2 = Active «Ajustar fecha y hora automáticamente» (origen: time.apple.com).
clockfix-macos-3 = Si ya está activado, desactívelo y vuelva a activarlo para sincronizar ahora.
clockfix-gnome-1 = Abra Configuración > Sistema > Fecha y hora.
clockfix-gnome-2 = Active «Fecha y hora automáticas» y «Zona horaria automática».
clockfix-gnome-3 = Si el reloj sigue mal, ejecute `timedatectl set-ntp true` y compruebe `timedatectl timesync-status`.
clockfix-kde-1 = Abra Preferencias del sistema > Fecha y hora (Región e idioma > Fecha y hora en Plasma 6).
clockfix-kde-2 = Marque «Ajustar la fecha y la hora automáticamente» y aplique.
clockfix-kde-3 = Si el reloj sigue mal, ejecute `timedatectl set-ntp true` y compruebe `timedatectl timesync-status`.
clockfix-systemd-1 = Ejecute `sudo timedatectl set-ntp true` para activar systemd-timesyncd.
clockfix-systemd-2 = Compruébelo con `timedatectl timesync-status` («System clock synchronized: yes»).
clockfix-systemd-3 = Si su red bloquea el NTP público, ponga el servidor de su empresa en NTP= de /etc/systemd/timesyncd.conf.
clockfix-other-1 = Active la hora de red automática (NTP) en los ajustes de fecha y hora de su sistema.
clockfix-other-2 = Compruebe que la zona horaria es correcta: una zona equivocada parece un reloj desfasado varias horas.

## What this device has, as the app found it (worded from its notes; Details and lastmile status)

keys-note-none_plugged = no hay ninguna llave de seguridad USB conectada
keys-note-no_permission = { $attached ->
    [one] hay un dispositivo FIDO conectado
   *[other] hay { $attached } dispositivos FIDO conectados
}, pero este usuario no puede abrir { $nodes }. Instale una regla udev que dé acceso a las llaves FIDO (systemd 252 y posteriores las marcan por sí mismos; en sistemas más antiguos añada a /etc/udev/rules.d/70-fido.rules una regla con TAG+="uaccess" para el fabricante USB de la llave) y luego desconecte la llave y vuelva a conectarla.
keys-note-windows_administrators_only = Windows solo deja que los administradores hablen directamente con las llaves de seguridad; Lastmile llega a ellas mediante la API WebAuthn de Windows cuando añade una
keys-note-no_usb_support = esta versión de Lastmile no admite llaves de seguridad USB
keys-note-scan_failed = no se pudieron listar los dispositivos USB ({ $error })
platform-note-windows_hello = La API WebAuthn de Windows (versión { $api_version }) está presente; Windows pide Hello (cara, huella o PIN) cuando lo añade.
platform-note-windows_no_webauthn = Este Windows no tiene la API WebAuthn (se necesita Windows 10 1903 o posterior).
platform-note-touch_id = Touch ID se registra a través del navegador o de la app Contraseñas; Lastmile no puede añadirlo directamente, así que use aquí una llave de seguridad o una aplicación de autenticación.
platform-note-fingerprint_reader = Este ordenador tiene un lector de huellas ({ $reader }), pero en Linux sirve a la pantalla de inicio de sesión (fprintd), no a WebAuthn, así que Lastmile no puede convertirlo en un factor: use una llave de seguridad, o una aplicación de autenticación con códigos de recuperación.
platform-note-linux = Linux no tiene autenticador integrado para WebAuthn; use una llave de seguridad, o una aplicación de autenticación con códigos de recuperación.
platform-note-other_os = Este sistema no tiene un autenticador integrado que Lastmile pueda usar; use una llave de seguridad, o una aplicación de autenticación con códigos de recuperación.
tpm-note-linux_device = { $version ->
    [unknown] hay un TPM (versión desconocida) en /dev/tpm0
   *[other] TPM { $version } encontrado en /dev/tpm0
}
tpm-note-linux_none = el kernel no expone ningún TPM (/sys/class/tpm)
tpm-note-windows_device = hay un dispositivo TPM 2.0
tpm-note-windows_none = no se enumera ningún dispositivo TPM 2.0
tpm-note-mac_secure_enclave = los Mac no tienen TPM; los Mac con chip de Apple o T2 tienen en su lugar un Secure Enclave
tpm-note-unknown = la detección del TPM no está disponible en este sistema

# Las palabras de la aplicación fuera de la ventana: el menú del área de notificación y los recordatorios.

tray-title = Lastmile
tray-open = Abrir Lastmile
tray-quit = Salir de Lastmile
tray-standing-met = Cumple la política de { $organisation }
tray-standing-excepted = Cubierto por una excepción de { $organisation }
tray-standing-gap = { $organisation } le pide un paso más
tray-standing-unknown = Unido a { $organisation }; situación aún desconocida
tray-not-set-up = Aún sin configurar
tray-join = Unirse a su organización…
tray-fix = Abrir Lastmile para arreglarlo…
tray-step = { $step }…
reminder-summary = { $organisation } le pide que termine de configurar la MFA
reminder-body = { $days ->
    [none] Siguiente: { $step }. Abra Lastmile; se tarda alrededor de un minuto.
    [one] Siguiente, en un día: { $step }. Abra Lastmile; se tarda alrededor de un minuto.
   *[other] Siguiente, en { $days } días: { $step }. Abra Lastmile; se tarda alrededor de un minuto.
}

## lastmile status, at a terminal

cli-device = Dispositivo
cli-keys = Llaves
cli-keys-none = no se encontró ninguna
cli-key = Llave
cli-key-unknown-model = modelo desconocido
cli-platform = Plataforma
cli-tpm = TPM
cli-server = Servidor
cli-server-not-configured = sin configurar
cli-server-reachable = accesible
cli-server-unreachable = no accesible
cli-clock = Reloj
cli-joined = Unido
cli-joined-as = { $organisation } como { $email }
cli-joined-no = no
cli-standing = Situación
cli-next = Siguiente
cli-next-command = { $step }: { $command }

## lastmile clock, and the clock warnings of lastmile enroll totp and lastmile recover

cli-clock-unmeasured = No se pudo medir el reloj.
cli-clock-is = El reloj de este dispositivo va { $offset } { $uncertainty }: { $verdict ->
    [ok] bien para los códigos de autenticación.
    [warn] los códigos de autenticación pueden fallar.
   *[fail] los códigos de autenticación fallarán.
}
cli-clock-offset-ntp = { $direction ->
    [ahead] { $amount } por delante del servidor NTP { $server }
    [behind] { $amount } por detrás del servidor NTP { $server }
   *[same] en hora con el servidor NTP { $server }
}
cli-clock-ntp-unmeasured = Servidor NTP { $server }: sin medir ({ $reason })
cli-clock-note = Nota: { $note }.
cli-clock-fix = Para corregirlo:
cli-clock-totp-warning = Atención: el reloj de este dispositivo va { $offset }. Los códigos se calculan a partir de la hora, así que corrija primero el reloj de este dispositivo y el de su teléfono:
cli-clock-recover-note = Nota: el reloj de este dispositivo va { $offset }. La recuperación funciona igualmente, pero corrija el reloj antes de configurar una aplicación de autenticación:

## The terminal's journeys: lastmile enroll, key pin, recover and join

cli-totp-scan = { $recommended ->
    [none] Escanee este código QR con su aplicación de autenticación (Microsoft Authenticator, Google Authenticator, 1Password, Authy…):
   *[some] Escanee este código QR con una aplicación de autenticación que { $organisation } recomienda ({ $apps }):
}
cli-totp-by-hand = O añádala a mano como clave basada en el tiempo:
cli-totp-account = cuenta:
cli-totp-issuer = emisor:
cli-totp-key = clave:
cli-totp-unusual = Nota: su organización pide { $digits } dígitos cada { $period } s con { $algorithm }; algunas aplicaciones ignoran estos ajustes.
cli-totp-code = Código de la aplicación:
cli-totp-abandoned = no se escribió ningún código; la aplicación de autenticación no se verificó
cli-totp-verified = Verificado por el servidor: su aplicación de autenticación es ahora un factor { $tier }.
cli-codes-intro = Sus nuevos códigos de recuperación (los anteriores dejaron de funcionar ahora mismo). Cada uno sirve una vez.
    Guárdelos en un lugar seguro y lejos de este dispositivo: en un gestor de contraseñas o en papel.
cli-codes-saved = Guardados en { $path } (solo usted puede leerlos).
cli-codes-not-saved = no se pudieron guardar los códigos en { $path }: { $error }
cli-codes-confirm = Escriba uno de los códigos para confirmar que los guardó:
cli-codes-abandoned = sin confirmar; los códigos funcionan, pero solo cuentan cuando confirme uno
cli-codes-confirmed = Confirmado por el servidor: sus códigos de recuperación ya cuentan.
cli-key-plug-in = Conecte su llave de seguridad (solo esa) y siga las indicaciones.
cli-key-plug-in-for-pin = Conecte su llave de seguridad (solo esa).
cli-key-insert = Inserte su llave de seguridad (se espera hasta un minuto; Ctrl+C para parar).
cli-key-pin = PIN de su llave de seguridad (no se muestra):
cli-key-current-pin = PIN actual de su llave de seguridad (no se muestra):
cli-key-choose-pin = Elija el nuevo PIN ({ $n } caracteres o más).
cli-key-pin-required = Su organización exige un PIN en la llave, y aún no tiene ninguno. Elija uno ({ $n } caracteres o más); la llave lo pedirá a partir de ahora.
cli-key-new-pin = Nuevo PIN (no se muestra):
cli-key-new-pin-again = El mismo PIN otra vez:
cli-key-pins-differ = Los dos PIN son distintos; no se estableció nada.
cli-key-touch = Toque ahora su llave de seguridad.
cli-key-touch-again = Toque otra vez su llave de seguridad, para que el servidor la verifique.
cli-key-system = Windows muestra ahora su propia ventana (Seguridad de Windows): elija allí su llave de seguridad o Windows Hello y sígala.
cli-key-pin-done = { $action ->
    [set] El PIN de su { $key } está establecido. La llave lo pide a partir de ahora; nadie más lo conoce.
   *[changed] El PIN de su { $key } se cambió. La llave lo pide a partir de ahora; nadie más lo conoce.
}
cli-key-verified = Verificado por el servidor: su { $key } es ahora un factor { $tier }.
cli-key-genuine = El servidor comprobó la certificación de la llave con los metadatos FIDO: el modelo es auténtico.
cli-tier = { $tier ->
    [phishing_resistant] resistente al phishing
    [strong] fuerte
    [recovery] de recuperación
   *[other] débil
}
cli-recover-continuing = Su sesión de recuperación continúa (termina a las { $time }).
cli-recover-nothing-lost = No se ha perdido nada: ejecute `lastmile recover` de nuevo para continuar.
cli-recover-revoked = { $n ->
    [one] 1 elemento revocado: dejó de funcionar ahora mismo.
   *[other] { $n } elementos revocados: dejaron de funcionar ahora mismo.
}
cli-recover-now-app = Ahora configure una aplicación de autenticación en su nuevo teléfono.
cli-recover-run-again = Ejecute `lastmile recover` de nuevo para continuar (su sesión sigue abierta 30 minutos).
cli-recover-finally = Por último, nuevos códigos de recuperación (los antiguos dejan de funcionar ahora).
cli-recover-done = Recuperado. Este dispositivo está unido; la sesión de recuperación está cerrada.
cli-recover-email = Su correo del trabajo:
cli-recover-no-email = no se indicó ningún correo
cli-recover-code = Uno de sus códigos de recuperación:
cli-recover-no-code = no se indicó ningún código de recuperación; no se cambió nada
cli-recover-signed-in = { $resumed ->
    [yes] Sesión iniciada como { $name } <{ $email }> ({ $organisation }), continuando un intento anterior. Ese código ya está usado; quedan { $left } en el juego antiguo.
   *[no] Sesión iniciada como { $name } <{ $email }> ({ $organisation }). Ese código ya está usado; quedan { $left } en el juego antiguo.
}
cli-recover-session-ends = Su sesión de recuperación termina a las { $time }.
cli-recover-list = Sus factores y dispositivos:
cli-recover-codes-left = quedan { $n } códigos
cli-recover-set-up-from = configurado desde { $host }
cli-recover-device = dispositivo { $host } ({ $os })
cli-recover-this-device = este dispositivo
cli-recover-which = ¿Qué perdió? Números separados por espacios, `all` para todo, o Intro para nada:
cli-recover-no-answer = sin respuesta; no se revocó nada
cli-recover-not-a-number = «{ $word }» no es uno de los números del 1 al { $n }
cli-kind = { $kind ->
    [totp] aplicación de autenticación
    [recovery_codes] códigos de recuperación
    [security_key] llave de seguridad
    [platform_authenticator] autenticador integrado
   *[other] { $kind }
}
cli-status-word = { $status ->
    [verified] verificado
    [pending] pendiente
    [revoked] revocado
   *[other] { $status }
}
cli-joined = Unido a { $organisation } como { $name } <{ $email }>.
    Este dispositivo ({ $device }) informa a { $server }.

## The terminal's other answers: report, leave, reset, support-bundle

cli-report-stored = Informe guardado. El servidor tiene { $reports ->
    [one] un informe
   *[other] { $reports } informes
} de este dispositivo y { $factors ->
    [0] ningún factor verificado
    [one] un factor verificado
   *[other] { $factors } factores verificados
}.
cli-report-stored-count = Informe guardado. El servidor tiene { $reports ->
    [one] un informe
   *[other] { $reports } informes
} de este dispositivo.
cli-report-not-due = Aún no toca ningún informe: el siguiente dentro de unos { $minutes ->
    [one] un minuto
   *[other] { $minutes } minutos
}. Los informes en cola se enviaron.
cli-report-not-joined = Este dispositivo no está unido a ninguna organización; no hay nada que informar.
cli-left = Este dispositivo dejó su organización; su credencial se quitó del llavero.
cli-not-joined = Este dispositivo no estaba unido a ninguna organización; no hay nada que hacer.
cli-support-bundle = Se escribió { $path } ({ $files }). Adjúntelo a su ticket de soporte; no contiene credenciales.
cli-reset-gone = Los archivos y credenciales de Lastmile para usted en este dispositivo se han borrado.
cli-reset-imaging = Este dispositivo ya no tiene identidad: una imagen tomada de él se unirá como un dispositivo nuevo.
cli-reset-keyring = entradas del llavero quitadas: { $n }
cli-reset-no-files = no hay archivos que quitar
cli-reset-removed = quitado: { $path }
cli-reset-server = El servidor sigue listando el dispositivo hasta que TI lo quite.

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

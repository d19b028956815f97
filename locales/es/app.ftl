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

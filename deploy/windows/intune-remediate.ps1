# Intune remediation, remediation script (run as the signed-in user, like the detection).
# Joins with the invite IT set (the INVITE property or policy), if any and not yet used,
# reports, and if a step is still missing opens Lastmile at it for the person. Never fails
# the person's session: the exit code is 0 unless Lastmile is missing.
$exe = Join-Path $env:ProgramFiles 'Lastmile\lastmile.exe'
if (-not (Test-Path $exe)) {
    Write-Output 'not_installed'
    exit 1
}
& $exe join *> $null
& $exe report --if-due *> $null
$state = (((& $exe status --format jamf) -join '') -replace '</?result>', '').Trim()
Write-Output $state
if ($state -notin @('compliant', 'excepted')) {
    # The window opens at the person's next step; a running one is raised instead.
    Start-Process -FilePath $exe
}
exit 0

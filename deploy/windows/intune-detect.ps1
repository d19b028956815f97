# Intune remediation, detection script (run as the signed-in user: "Run this script using the
# logged-on credentials" = Yes, since the enrollment and the keyring are the person's).
# Exit 0: nothing to do. Exit 1: run the remediation script. The output line is what Intune
# shows in its report: Lastmile's one-word state (compliant, excepted, gap, not_joined, ...).
$ErrorActionPreference = 'Stop'
$exe = Join-Path $env:ProgramFiles 'Lastmile\lastmile.exe'
if (-not (Test-Path $exe)) {
    Write-Output 'not_installed'
    exit 1
}
$state = ((& $exe status --format jamf) -join '') -replace '</?result>', ''
Write-Output $state.Trim()
if ($state.Trim() -in @('compliant', 'excepted')) { exit 0 }
exit 1

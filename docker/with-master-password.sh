#!/bin/bash
# Write Odoo's configuration with the master password (database manager) taken from
# ODOO_MASTER_PASSWORD, then run the given command. Refuses to start without one:
# Odoo's default ("admin") would otherwise guard the databases.
set -euo pipefail
if [ -z "${ODOO_MASTER_PASSWORD:-}" ]; then
    echo "Set ODOO_MASTER_PASSWORD: the master password of Odoo's database manager." >&2
    exit 1
fi
{
    echo "[options]"
    printf 'admin_passwd = %s\n' "$ODOO_MASTER_PASSWORD"
    sed '1,/^\[options\]$/d' /etc/odoo/odoo.conf.in
} > /etc/odoo/odoo.conf
exec "$@"

"""The addresses at which other computers and phones on the lab network can reach us."""

import ipaddress
import shutil
import socket
import subprocess

from flask import current_app, request


def lan_addresses() -> list[str]:
    """Return this machine's IPv4 addresses other than loopback, most useful first."""
    found: list[str] = []
    ip_command = shutil.which("ip")
    if ip_command:
        try:
            output = subprocess.run(
                [ip_command, "-4", "-o", "addr", "show", "scope", "global"],
                capture_output=True,
                text=True,
                timeout=2,
                check=False,
            ).stdout
            for line in output.splitlines():
                parts = line.split()
                if "inet" in parts:
                    found.append(parts[parts.index("inet") + 1].split("/")[0])
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(info[4][0])
    except OSError:
        pass
    unique = []
    for address in found:
        ip = ipaddress.ip_address(address)
        if not ip.is_loopback and not ip.is_link_local and address not in unique:
            unique.append(address)
    # Private (LAN) addresses first: that is what the lab's phones and laptops can reach.
    return sorted(unique, key=lambda a: not ipaddress.ip_address(a).is_private)


def site_urls(host: str, port: int) -> list[str]:
    """Return the URLs to print when serving on host:port."""
    suffix = "" if port == 80 else f":{port}"
    if host in ("0.0.0.0", "::", ""):
        addresses = lan_addresses()
        urls = [f"http://{a}{suffix}/" for a in addresses]
        return urls + [f"http://localhost{suffix}/"]
    return [f"http://{host}{suffix}/"]


def public_url() -> str:
    """Return the address people should type or scan to reach this site."""
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/") + "/"

#!/usr/bin/python3
"""A ModemManager 1.20 stand-in on a private D-Bus, built on python3-dbusmock's generic Mock objects.

It emulates the part of ModemManager ristbond uses: the ObjectManager at /org/freedesktop/ModemManager1 (modems
only: bearers are NOT in the tree, as on the real daemon), Modem / Modem3gpp / Modem.Signal / Modem.Simple on each
modem, and Bearer objects read with Properties.GetAll. Every property and method is declared in SCHEMA below with
its D-Bus signature, and every value is built from that signature, so what the stand-in sends is what SCHEMA says;
the test suite compares SCHEMA with ModemManager's introspection XML (run with --print-schema) so the two cannot
drift apart. Only `set_raw` sends a value of another type, on purpose (the wrong-type scenarios).

The test drives it with one JSON command per line on stdin; each gets one line on stdout: "ok [result]" or
"error <text>". dbusmock's own call log goes to --log.

Run it with Debian's /usr/bin/python3: python3-dbusmock is installed for that interpreter only.
"""

import argparse
import json
import os
import sys

MM = 'org.freedesktop.ModemManager1'
MM_PATH = '/org/freedesktop/ModemManager1'
MODEM = MM + '.Modem'
MODEM_3GPP = MM + '.Modem.Modem3gpp'
SIGNAL = MM + '.Modem.Signal'
SIMPLE = MM + '.Modem.Simple'
BEARER = MM + '.Bearer'
OBJECT_MANAGER = 'org.freedesktop.DBus.ObjectManager'
PROPERTIES = 'org.freedesktop.DBus.Properties'

# interface -> {'properties': {name: signature}, 'methods': {name: (in, out)}}; checked against the XML by the tests.
SCHEMA = {
    MM: {
        'properties': {'Version': 's'},
        'methods': {'ScanDevices': ('', ''), 'SetLogging': ('s', '')},
    },
    MODEM: {
        'properties': {
            'Sim': 'o', 'Bearers': 'ao', 'SupportedCapabilities': 'au', 'CurrentCapabilities': 'u',
            'MaxBearers': 'u', 'MaxActiveBearers': 'u', 'Manufacturer': 's', 'Model': 's', 'Revision': 's',
            'HardwareRevision': 's', 'DeviceIdentifier': 's', 'Device': 's', 'Drivers': 'as', 'Plugin': 's',
            'PrimaryPort': 's', 'Ports': 'a(su)', 'EquipmentIdentifier': 's', 'UnlockRequired': 'u',
            'UnlockRetries': 'a{uu}', 'State': 'i', 'StateFailedReason': 'u', 'AccessTechnologies': 'u',
            'SignalQuality': '(ub)', 'OwnNumbers': 'as', 'PowerState': 'u', 'SupportedIpFamilies': 'u',
        },
        'methods': {'Enable': ('b', ''), 'ListBearers': ('', 'ao')},
    },
    MODEM_3GPP: {
        'properties': {
            'Imei': 's', 'RegistrationState': 'u', 'OperatorCode': 's', 'OperatorName': 's',
            'EnabledFacilityLocks': 'u', 'EpsUeModeOperation': 'u', 'PacketServiceState': 'u',
        },
        'methods': {},
    },
    SIGNAL: {
        'properties': {
            'Rate': 'u', 'RssiThreshold': 'u', 'ErrorRateThreshold': 'b',
            'Gsm': 'a{sv}', 'Umts': 'a{sv}', 'Lte': 'a{sv}', 'Nr5g': 'a{sv}',
        },
        'methods': {'Setup': ('u', '')},
    },
    SIMPLE: {
        'properties': {},
        'methods': {'Connect': ('a{sv}', 'o'), 'Disconnect': ('o', ''), 'GetStatus': ('', 'a{sv}')},
    },
    BEARER: {
        'properties': {
            'Interface': 's', 'Connected': 'b', 'Suspended': 'b', 'Multiplexed': 'b', 'ConnectionError': '(ss)',
            'Ip4Config': 'a{sv}', 'Ip6Config': 'a{sv}', 'Stats': 'a{sv}', 'IpTimeout': 'u', 'BearerType': 'u',
            'Properties': 'a{sv}',
        },
        'methods': {'Connect': ('', ''), 'Disconnect': ('', '')},
    },
}

# The value types inside some a{sv} properties (ModemManager's documentation of each dictionary).
DICT_VALUE_TYPES = {
    'Lte': {'rssi': 'd', 'rsrq': 'd', 'rsrp': 'd', 'snr': 'd', 'error-rate': 'd'},
    'Nr5g': {'rsrq': 'd', 'rsrp': 'd', 'snr': 'd', 'error-rate': 'd'},
    'Gsm': {'rssi': 'd'},
    'Umts': {'rssi': 'd', 'rscp': 'd', 'ecio': 'd'},
    'Ip4Config': {'method': 'u', 'address': 's', 'prefix': 'u', 'gateway': 's', 'dns1': 's', 'mtu': 'u'},
    'Properties': {'apn': 's', 'ip-type': 'u'},
}

MM_STATE_REGISTERED = 8
MM_STATE_CONNECTED = 11
MM_STATE_DISABLED = 3


def to_dbus(dbus, signature, value, dict_types=None):
    """Builds a dbus-python value of exactly `signature` from JSON-ish `value`."""
    if signature == 's':
        return dbus.String(value)
    if signature == 'o':
        return dbus.ObjectPath(value)
    if signature == 'u':
        return dbus.UInt32(value)
    if signature == 'i':
        return dbus.Int32(value)
    if signature == 'b':
        return dbus.Boolean(value)
    if signature == 'd':
        return dbus.Double(value)
    if signature == 'y':
        return dbus.Byte(value)
    if signature == 'a{sv}':
        types = dict_types or {}
        return dbus.Dictionary(
            {k: to_dbus(dbus, types.get(k, guess(v)), v) for k, v in (value or {}).items()}, signature='sv')
    if signature == 'a{uu}':
        return dbus.Dictionary({dbus.UInt32(int(k)): dbus.UInt32(v) for k, v in (value or {}).items()}, signature='uu')
    if signature.startswith('a('):
        inner = signature[2:-1]
        return dbus.Array([to_dbus(dbus, '(' + inner + ')', v) for v in (value or [])], signature='(' + inner + ')')
    if signature.startswith('a'):
        inner = signature[1:]
        return dbus.Array([to_dbus(dbus, inner, v) for v in (value or [])], signature=inner)
    if signature.startswith('('):
        inner = signature[1:-1]
        return dbus.Struct([to_dbus(dbus, t, v) for t, v in zip(inner, value)], signature=inner)
    raise ValueError('unsupported signature ' + signature)


def guess(value):
    if isinstance(value, bool):
        return 'b'
    if isinstance(value, int):
        return 'i'
    if isinstance(value, float):
        return 'd'
    return 's'


def typed_properties(dbus, interface, values):
    """Every property of `interface` (defaults first, then `values`), each built from SCHEMA's signature."""
    signatures = SCHEMA[interface]['properties']
    unknown = set(values) - set(signatures)
    if unknown:
        raise ValueError(f'{interface} has no properties {sorted(unknown)} in SCHEMA')
    merged = dict(DEFAULTS.get(interface, {}))
    merged.update(values)
    return {name: to_dbus(dbus, signature, merged[name] if name in merged else EMPTY[signature[0]], DICT_VALUE_TYPES.get(name))
            for name, signature in signatures.items()}


# The value of a property nobody set, by the first character of its signature (structs all have DEFAULTS).
EMPTY = {'s': '', 'o': '/', 'u': 0, 'i': 0, 'b': False, 'd': 0.0, 'a': []}
DEFAULTS = {
    MODEM: {
        'Sim': '/org/freedesktop/ModemManager1/SIM/0', 'SupportedCapabilities': [8], 'CurrentCapabilities': 8,
        'MaxBearers': 1, 'MaxActiveBearers': 1, 'Revision': 'EM12GPAR01A21M4G', 'Plugin': 'quectel',
        'Drivers': ['qmi_wwan', 'option'], 'PrimaryPort': 'cdc-wdm0', 'Ports': [['cdc-wdm0', 6], ['wwan0', 2]],
        'UnlockRetries': {}, 'SignalQuality': [0, False], 'PowerState': 3, 'SupportedIpFamilies': 7,
        'State': MM_STATE_REGISTERED, 'AccessTechnologies': 1 << 14,
    },
    MODEM_3GPP: {'RegistrationState': 1, 'EpsUeModeOperation': 4, 'PacketServiceState': 2},
    SIGNAL: {'Rate': 0},
    BEARER: {'ConnectionError': ['', ''], 'IpTimeout': 20, 'BearerType': 1},
}


class StandIn:
    def __init__(self, dbus, mockobject, bus, log_path):
        self.dbus = dbus
        self.mock = mockobject
        self.bus_name = dbus.service.BusName(MM, bus, allow_replacement=True, replace_existing=True, do_not_queue=True)
        self.root = mockobject.DBusMockObject(self.bus_name, MM_PATH, MM, typed_properties(dbus, MM, {'Version': '1.20.4'}), log_path)
        mockobject.objects[MM_PATH] = self.root
        self.root.AddMethod(OBJECT_MANAGER, 'GetManagedObjects', '', 'a{oa{sa{sv}}}', lambda _root: self._get_managed_objects())
        for name, (in_sig, out_sig) in SCHEMA[MM]['methods'].items():
            self.root.AddMethod(MM, name, in_sig, out_sig, '')
        self.next_bearer = 0
        self.modem_bearers = {}  # modem path -> [bearer paths]

    # ---- ObjectManager ----------------------------------------------------------------------------------------

    def _get_managed_objects(self):
        d = self.dbus
        return d.Dictionary({
            d.ObjectPath(path): d.Dictionary(
                {iface: d.Dictionary(props, signature='sv') for iface, props in self.mock.objects[path].props.items()},
                signature='sa{sv}')
            for path in self.modem_bearers
        }, signature='oa{sa{sv}}')

    def _interfaces_added(self, path):
        d = self.dbus
        props = self.mock.objects[path].props
        self.root.EmitSignal(OBJECT_MANAGER, 'InterfacesAdded', 'oa{sa{sv}}', [
            d.ObjectPath(path),
            d.Dictionary({iface: d.Dictionary(p, signature='sv') for iface, p in props.items()}, signature='sa{sv}')])

    # ---- commands -----------------------------------------------------------------------------------------------

    def add_modem(self, c):
        d = self.dbus
        path = f'{MM_PATH}/Modem/{c["id"]}'
        modem_values = {
            'Manufacturer': c.get('manufacturer', 'Quectel'), 'Model': c.get('model', 'EM12-G'),
            'EquipmentIdentifier': c.get('imei', ''), 'DeviceIdentifier': c.get('imei', '')[-8:],
            'Device': f'/sys/devices/usb{c["id"]}', 'State': c.get('state', MM_STATE_REGISTERED),
            'AccessTechnologies': c.get('tech', 1 << 14), 'SignalQuality': [c.get('quality', 70), True],
            'OwnNumbers': [], 'Bearers': [],
        }
        modem_values.update(c.get('modem', {}))
        self.mock.objects[MM_PATH].AddObject(path, MODEM, typed_properties(d, MODEM, modem_values), [])
        modem = self.mock.objects[path]
        self._add_methods(modem, MODEM, {'Enable': self._enable, 'ListBearers': self._list_bearers})
        modem.AddProperties(MODEM_3GPP, typed_properties(d, MODEM_3GPP, {
            'Imei': c.get('imei', ''), 'OperatorName': c.get('operator', ''), 'OperatorCode': c.get('operator_code', '')}))
        modem.AddProperties(SIGNAL, typed_properties(d, SIGNAL, {
            'Rate': c.get('rate', 0), 'Lte': c.get('lte', {}), 'Nr5g': c.get('nr5g', {})}))
        self._add_methods(modem, SIGNAL, {'Setup': self._signal_setup})
        self._add_methods(modem, SIMPLE, {'Connect': self._simple_connect, 'Disconnect': None, 'GetStatus': None})
        modem.props[SIMPLE] = {}  # no properties, but listed like on the real daemon
        self.modem_bearers[path] = []
        if c.get('bearer') is not None:
            connected = c['bearer'].get('connected', True)
            bearer = self._create_bearer(path, c['bearer'].get('interface', 'wwan0'), c.get('apn', 'internet'), emit=False)
            self._set(self.mock.objects[bearer], BEARER, {'Connected': connected, 'Ip4Config': self._ip4(connected, path)}, emit=False)
            if connected:
                self._set(modem, MODEM, {'State': MM_STATE_CONNECTED}, emit=False)
        for name in c.get('omit', []):  # the missing-keys scenarios: ModemManager leaving a property out
            del modem.props[MODEM][name]
        self._interfaces_added(path)
        return path

    def remove_modem(self, c):
        path = c['path']
        modem = self.mock.objects[path]
        d = self.dbus
        self.root.EmitSignal(OBJECT_MANAGER, 'InterfacesRemoved', 'oas',
                             [d.ObjectPath(path), d.Array(list(modem.props.keys()), signature='s')])
        for bearer in self.modem_bearers.pop(path):
            self.root.RemoveObject(bearer)
        self.root.RemoveObject(path)
        return path

    def set(self, c):
        """Typed update of properties on `path`/`interface`, emitting PropertiesChanged (like UpdateProperties)."""
        self._set(self.mock.objects[c['path']], c['interface'], c['properties'])

    def set_raw(self, c):
        """A property value of the given signature, whatever SCHEMA says: the wrong-type scenarios."""
        d = self.dbus
        obj = self.mock.objects[c['path']]
        value = to_dbus(d, c['signature'], c['value'], c.get('types', DICT_VALUE_TYPES.get(c['name'])))
        obj.props.setdefault(c['interface'], {})[c['name']] = value
        self._emit_changed(obj, c['interface'], {c['name']: value})

    def connect_bearer(self, c):
        """The modem's first bearer connects (connected=true) or drops (false); the modem's State follows."""
        modem = self.mock.objects[c['path']]
        bearers = self.modem_bearers[c['path']]
        connected = c.get('connected', True)
        if not bearers:
            bearer_path = self._create_bearer(c['path'], c.get('interface', 'wwan0'), 'internet')
        else:
            bearer_path = bearers[0]
        bearer = self.mock.objects[bearer_path]
        self._set(bearer, BEARER, {'Connected': connected, 'Ip4Config': self._ip4(connected, c['path'])})
        self._set(modem, MODEM, {'State': MM_STATE_CONNECTED if connected else MM_STATE_REGISTERED})
        return bearer_path

    def calls(self, c):
        obj = self.mock.objects[c['path']]
        return json.dumps([[self._plain(a) for a in args] for _, name, args in obj.call_log if name == c['method']])

    def _plain(self, value):
        """A call argument as JSON: booleans and numbers as such (dbus.Boolean is an int), the rest as dbus-python prints it."""
        if isinstance(value, self.dbus.Boolean):
            return bool(value)
        if isinstance(value, (int, float)):
            return value
        return str(value)

    # ---- methods --------------------------------------------------------------------------------------------------

    def _enable(self, modem, enable):
        self._set(modem, MODEM, {'State': MM_STATE_REGISTERED if enable else MM_STATE_DISABLED})

    def _list_bearers(self, modem):
        return self.dbus.Array([self.dbus.ObjectPath(b) for b in self.modem_bearers[modem.path]], signature='o')

    def _signal_setup(self, modem, rate):
        self._set(modem, SIGNAL, {'Rate': int(rate)})

    def _simple_connect(self, modem, properties):
        if 'apn' not in properties:
            raise self.dbus.exceptions.DBusException('no apn', name='org.freedesktop.ModemManager1.Error.Core.InvalidArgs')
        if modem.props[MODEM]['State'] < MM_STATE_REGISTERED:
            raise self.dbus.exceptions.DBusException('not registered', name='org.freedesktop.ModemManager1.Error.Core.WrongState')
        result = self.connect_bearer({'path': modem.path, 'connected': True, 'interface': f'wwan{modem.path[-1]}'})
        return self.dbus.ObjectPath(result)

    # ---- helpers --------------------------------------------------------------------------------------------------

    def _add_methods(self, obj, interface, implementations):
        # dbusmock runs a plain function (not a bound method) as fn(mock_object, *args).
        for name, (in_sig, out_sig) in SCHEMA[interface]['methods'].items():
            implementation = implementations.get(name)
            code = (lambda fn: lambda target, *args: fn(target, *args))(implementation) if implementation else ''
            obj.AddMethod(interface, name, in_sig, out_sig, code)

    def _create_bearer(self, modem_path, interface, apn, emit=True):
        path = f'{MM_PATH}/Bearer/{self.next_bearer}'
        self.next_bearer += 1
        self.root.AddObject(path, BEARER, typed_properties(self.dbus, BEARER, {
            'Interface': interface, 'Properties': {'apn': apn}, 'Ip4Config': self._ip4(False, modem_path)}), [])
        self._add_methods(self.mock.objects[path], BEARER, {})
        self.modem_bearers[modem_path].append(path)
        self._set(self.mock.objects[modem_path], MODEM, {'Bearers': list(self.modem_bearers[modem_path])}, emit=emit)
        return path

    @staticmethod
    def _ip4(connected, modem_path):
        if not connected:
            return {}
        n = int(modem_path.rsplit('/', 1)[1]) + 10
        return {'method': 3, 'address': f'10.64.{n}.2', 'prefix': 30, 'gateway': f'10.64.{n}.1', 'mtu': 1500}

    def _set(self, obj, interface, values, emit=True):
        signatures = SCHEMA[interface]['properties']
        changed = {}
        for name, value in values.items():
            if name not in signatures:
                raise ValueError(f'{interface} has no property {name} in SCHEMA')
            changed[name] = to_dbus(self.dbus, signatures[name], value, DICT_VALUE_TYPES.get(name))
        obj.props.setdefault(interface, {}).update(changed)
        if emit:
            self._emit_changed(obj, interface, changed)

    def _emit_changed(self, obj, interface, changed):
        # dbusmock's UpdateProperties cannot wrap struct and dict values in a variant (it calls .conjugate()), so the
        # PropertiesChanged signal is emitted here, the same way, through the mock's EmitSignal.
        d = self.dbus
        obj.EmitSignal(PROPERTIES, 'PropertiesChanged', 'sa{sv}as',
                       [interface, d.Dictionary(changed, signature='sv'), d.Array([], signature='s')])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--address', help='D-Bus address of the (private) bus to serve on')
    parser.add_argument('--log', default='/dev/null', help="dbusmock's call log")
    parser.add_argument('--print-schema', action='store_true', help='print SCHEMA as JSON and exit')
    args = parser.parse_args()
    if args.print_schema:
        print(json.dumps({iface: {'properties': s['properties'], 'methods': {m: list(sig) for m, sig in s['methods'].items()}}
                          for iface, s in SCHEMA.items()}))
        return 0

    import dbus
    import dbus.mainloop.glib
    import dbus.service
    from gi.repository import GLib
    from dbusmock import mockobject

    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(args.address)
    stand_in = StandIn(dbus, mockobject, bus, args.log)
    loop = GLib.MainLoop()

    pending = bytearray()

    def handle(line):
        try:
            command = json.loads(line)
            if command['cmd'] == 'quit':
                loop.quit()
                print('ok', flush=True)
                return
            if command['cmd'].startswith('_'):
                raise ValueError('not a command: ' + command['cmd'])
            result = getattr(stand_in, command['cmd'])(command)
            print('ok' if result is None else f'ok {result}', flush=True)
        except Exception as e:  # the test reads the reason
            print(f'error {type(e).__name__}: {e}'.replace('\n', ' '), flush=True)

    def on_input(fd, _condition):
        # Unbuffered reads: a buffered readline() could swallow a second command GLib would never wake us for.
        data = os.read(fd, 65536)
        if not data:
            loop.quit()
            return False
        pending.extend(data)
        while b'\n' in pending:
            line, _, rest = bytes(pending).partition(b'\n')
            pending[:] = rest
            if line.strip():
                handle(line.decode())
        return True

    GLib.io_add_watch(sys.stdin.fileno(), GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP, on_input)
    print('ready', flush=True)
    loop.run()
    return 0


if __name__ == '__main__':
    sys.exit(main())

#
# testimage cases for the ristbond appliance image (meta-ristbond).
# Run with TEST_SUITES = "ping ssh systemd ristbond" (see the layer's README).
#
import json
import time

from oeqa.runtime.case import OERuntimeTestCase
from oeqa.core.decorator.depends import OETestDepends
from oeqa.runtime.decorator.package import OEHasPackage


class RistbondTest(OERuntimeTestCase):
    # A notify service is "activating" until it says READY; on a slow emulated CPU that can take a while.
    ACTIVE_WITHIN_S = 120

    def run_ok(self, command):
        status, output = self.target.run(command)
        self.assertEqual(status, 0, msg='%s failed (%d):\n%s' % (command, status, output))
        return output

    @OEHasPackage(['ristbond'])
    @OETestDepends(['ssh.SSHTest.test_ssh'])
    def test_ristbond_active(self):
        deadline = time.time() + self.ACTIVE_WITHIN_S
        while True:
            status, state = self.target.run('systemctl is-active ristbond.service')
            if state.strip() != 'activating' or time.time() >= deadline:
                break
            time.sleep(2)
        if state.strip() != 'active':
            _, journal = self.target.run('journalctl -b -u ristbond.service --no-pager -n 60')
            self.fail('ristbond.service is %s, not active; its journal:\n%s' % (state.strip(), journal))

    @OETestDepends(['ristbond.RistbondTest.test_ristbond_active'])
    def test_ristbond_status_api_answers(self):
        url = self.td.get('RISTBOND_STATUS_URL')
        body = self.run_ok('wget -q -O - %s' % url)
        try:
            status = json.loads(body)
        except ValueError:
            self.fail('the status API at %s answered with something other than JSON:\n%s' % (url, body[:500]))
        self.assertIsInstance(status, dict, msg='the status API at %s answered %r' % (url, body[:200]))

    @OETestDepends(['ristbond.RistbondTest.test_ristbond_active'])
    def test_state_is_on_the_data_partition_and_root_is_read_only(self):
        # /proc/self/mountinfo rather than findmnt: the image has busybox, not util-linux.
        devices = {}
        for line in self.run_ok('cat /proc/self/mountinfo').splitlines():
            fields = line.split()
            if len(fields) > 4:
                devices[fields[4]] = fields[2]
        self.assertIn('/data', devices, msg='/data is not mounted')
        self.assertEqual(devices.get('/var/lib/ristbond'), devices['/data'],
                         msg='/var/lib/ristbond is not bound from the data partition')
        self.run_ok("su -s /bin/sh -c 'touch /var/lib/ristbond/.testimage && rm /var/lib/ristbond/.testimage' ristbond")
        status, _ = self.target.run('touch /etc/ristbond/.testimage')
        self.assertNotEqual(status, 0, msg='/etc/ristbond is writable: the root file system is not read-only')

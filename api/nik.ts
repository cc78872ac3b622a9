// The NIK (Nomor Induk Kependudukan), 16 digits: PP KK CC DDMMYY SSSS, where PP is the province,
// KK the regency or city, CC the district, DDMMYY the birth date (day + 40 for women), SSSS a serial.

/** Province codes (kode wilayah, Kemendagri), including the Papua provinces formed in 2022. */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '16', '17', '18', '19', '21',
  '31', '32', '33', '34', '35', '36',
  '51', '52', '53',
  '61', '62', '63', '64', '65',
  '71', '72', '73', '74', '75', '76',
  '81', '82',
  '91', '92', '93', '94', '95', '96',
]);

export type Sex = 'M' | 'F';

/** Why a NIK does not agree with the stated birth date and sex, in words a person can act on; none when it does. */
export function nikMismatches(nik: string, birthDate: string, sex: Sex): string[] {
  if (!/^\d{16}$/.test(nik)) return []; // the format rule reports this one
  const reasons: string[] = [];
  const province = nik.slice(0, 2);
  if (!PROVINCES.has(province)) reasons.push(`its first two digits (${province}) are not an Indonesian province code`);
  if (nik.slice(2, 4) === '00' || nik.slice(4, 6) === '00') reasons.push('digits 3 to 6 (regency and district) cannot be 00');
  if (nik.slice(12) === '0000') reasons.push('its last four digits (the serial) cannot be 0000');

  const day = Number(nik.slice(6, 8));
  const month = nik.slice(8, 10);
  const year = nik.slice(10, 12);
  const [birthYear, birthMonth, birthDay] = birthDate.split('-');
  if (!birthYear || !birthMonth || !birthDay) return reasons;
  const nikSex: Sex = day > 40 ? 'F' : 'M';
  const nikDay = String(nikSex === 'F' ? day - 40 : day).padStart(2, '0');
  if (nikSex !== sex) {
    reasons.push(
      nikSex === 'F'
        ? `its birth day digits (${nik.slice(6, 8)}) are over 40, which marks a woman, but sex is M`
        : `its birth day digits (${nik.slice(6, 8)}) are not day + 40, which a woman's NIK has, but sex is F`,
    );
  }
  if (nikDay !== birthDay || month !== birthMonth || year !== birthYear.slice(2)) {
    reasons.push(`digits 7 to 12 (${nik.slice(6, 12)}) say born ${nikDay}-${month}-${year}, but the birth date is ${birthDay}-${birthMonth}-${birthYear.slice(2)}`);
  }
  return reasons;
}

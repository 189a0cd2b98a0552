/**
 * Who the user is signing in to: the one place to put your mini program's name, logo and the one line that
 * says why it asks. The authorization page, the home page and the privacy texts read it.
 */
export const BRAND = {
  /** shown under the logo and in the policy texts */
  name: 'WeAuth',
  /** the logo tile's letter when there is no logo image */
  monogram: 'W',
  /** a logo image (e.g. `import logo from '../assets/logo.png'`); empty: the monogram tile */
  logo: '',
  /** one line under the name on the authorization page: what signing in gives the user */
  loginPurpose: '登录后可同步你的资料与设置，换手机也不丢失',
  /** the operator named in the agreement and privacy policy */
  operator: 'WeAuth 示例运营方',
  /** where users reach a person about their data */
  contact: 'privacy@weauth.example',
} as const

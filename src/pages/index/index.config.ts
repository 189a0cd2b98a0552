export default definePageConfig({ navigationBarTitleText: 'WeAuth' })

export default definePageConfig({ navigationBarTitleText: '解除本小程序的关联' })

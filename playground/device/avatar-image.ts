/**
 * The picture a simulated user "chooses" for open-type="chooseAvatar": a small PNG drawn on the spot, so the
 * preview, the upload and the admin view show a real image.
 */
export async function drawAvatar(): Promise<Uint8Array> {
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = 96
  const g = canvas.getContext('2d')
  if (!g) return new Uint8Array([0x89, 0x50, 0x4e, 0x47])
  const hue = Math.floor(Math.random() * 360)
  g.fillStyle = `hsl(${hue}, 60%, 55%)`
  g.fillRect(0, 0, 96, 96)
  g.fillStyle = '#fff'
  g.beginPath()
  g.arc(48, 38, 18, 0, Math.PI * 2)
  g.arc(48, 100, 36, 0, Math.PI * 2)
  g.fill()
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
  return blob ? new Uint8Array(await blob.arrayBuffer()) : new Uint8Array([0x89, 0x50, 0x4e, 0x47])
}

// A photo as a phone's camera writes it, for the tests that check location and
// device data never leave the device (CLI and web app): camera make, model
// and serial, and the GPS position of where it was taken (Seoul, 37.566 N).
import sharp from 'sharp';

export const CAMERA_SERIAL = 'SN-0042-CANARY';

export function phonePhoto(size = { width: 640, height: 480 }): Promise<Buffer> {
  return sharp({ create: { ...size, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneMaker', Model: 'Galaxy Test 9', Software: 'Camera 1.0' },
      IFD2: { BodySerialNumber: CAMERA_SERIAL },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '37/1 33/1 59/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '126/1 58/1 41/1',
      },
    })
    .toBuffer();
}

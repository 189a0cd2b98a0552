import { join } from 'node:path'
import { adminSdk, useEmulator } from '../../helpers/emulator'
import { clientDb } from '../../helpers/client-db'

/**
 * Conformance: geo types and geo queries of the cloud database, through the unmodified wx-server-sdk.
 * The fixture collection `places` has a 2dsphere index on `location` (collections.json); `items` has none.
 */
const emulator = useEmulator({ databaseDir: join(__dirname, '..', '..', 'fixtures', 'database') })
beforeEach(() => emulator().control('reset'))

// Guangzhou Tower and points east of it on the same latitude: 0.01° of longitude there is 1023.9 m
// (MongoDB's sphere, 6378.1 km: 6378100 · 0.01 · π/180 · cos 23.1064°)
const LAT = 23.1064
const TOWER: [number, number] = [113.3245, LAT]
const east = (deg: number): [number, number] => [TOWER[0] + deg, LAT]
const METRES_PER_0_01 = 6378100 * ((0.01 * Math.PI) / 180) * Math.cos((LAT * Math.PI) / 180)

async function seedPlaces() {
  const db: any = adminSdk(emulator()).database()
  const { Point } = db.Geo
  for (const [name, at] of [
    ['tower', TOWER],
    ['one', east(0.01)],
    ['five', east(0.05)],
    ['far', east(1)],
  ] as const)
    await db.collection('places').add({ data: { name, location: Point(at[0], at[1]) } })
  return db
}
const names = (res: { data: Array<{ name: string }> }) => res.data.map((d) => d.name)

describe('db.Geo types are stored as GeoJSON (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/Geo.html)', () => {
  test('Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon', async () => {
    const db: any = adminSdk(emulator()).database()
    const G = db.Geo
    const ring = [G.Point(0, 0), G.Point(1, 0), G.Point(1, 1), G.Point(0, 0)]
    const line = G.LineString([G.Point(0, 0), G.Point(1, 1)])
    const polygon = G.Polygon([G.LineString(ring)])
    await db.collection('items').add({
      data: {
        point: G.Point(113.3245, 23.1064),
        line,
        polygon,
        points: G.MultiPoint([G.Point(0, 0), G.Point(1, 1)]),
        lines: G.MultiLineString([line]),
        polygons: G.MultiPolygon([polygon]),
      },
    })
    const [doc] = await emulator().dump('items')
    expect(doc.point).toEqual({ type: 'Point', coordinates: [113.3245, 23.1064] })
    expect(doc.line).toEqual({
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    })
    expect(doc.polygon).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    })
    expect(doc.points).toEqual({
      type: 'MultiPoint',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    })
    expect(doc.lines).toEqual({
      type: 'MultiLineString',
      coordinates: [
        [
          [0, 0],
          [1, 1],
        ],
      ],
    })
    expect(doc.polygons).toEqual({
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      ],
    })
    // read back through the SDK, a Point is a Point again
    const { data } = await db.collection('items').get()
    expect(data[0].point.toJSON()).toEqual({ type: 'Point', coordinates: [113.3245, 23.1064] })
  })
})

describe('geoNear (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/command/Command.geoNear.html)', () => {
  test('nearest first, within maxDistance and beyond minDistance, in metres', async () => {
    const db = await seedPlaces()
    const _ = db.command
    const all = await db
      .collection('places')
      .where({ location: _.geoNear({ geometry: db.Geo.Point(...TOWER) }) })
      .get()
    expect(names(all)).toEqual(['tower', 'one', 'five', 'far'])
    const band = await db
      .collection('places')
      .where({
        location: _.geoNear({
          geometry: db.Geo.Point(...TOWER),
          minDistance: METRES_PER_0_01 - 1,
          maxDistance: 5 * METRES_PER_0_01 + 1,
        }),
      })
      .get()
    expect(names(band)).toEqual(['one', 'five'])
    // 1 m short of the point 0.01° away: it is outside
    const tight = await db
      .collection('places')
      .where({ location: _.geoNear({ geometry: db.Geo.Point(...TOWER), maxDistance: METRES_PER_0_01 - 1 }) })
      .get()
    expect(names(tight)).toEqual(['tower'])
  })

  test('skip and limit apply after the distance order; an explicit orderBy wins', async () => {
    const db = await seedPlaces()
    const near = () =>
      db.collection('places').where({ location: db.command.geoNear({ geometry: db.Geo.Point(...east(1)) }) })
    expect(names(await near().skip(1).limit(2).get())).toEqual(['five', 'one'])
    expect(names(await near().orderBy('name', 'asc').get())).toEqual(['far', 'five', 'one', 'tower'])
  })

  test('combined with other conditions', async () => {
    const db = await seedPlaces()
    const _ = db.command
    const res = await db
      .collection('places')
      .where({ name: _.neq('tower'), location: _.geoNear({ geometry: db.Geo.Point(...TOWER) }) })
      .get()
    expect(names(res)).toEqual(['one', 'five', 'far'])
  })

  test('a field without a geo index is refused as MongoDB refuses it (-502001 unable to find index)', async () => {
    const db: any = adminSdk(emulator()).database()
    await db.collection('items').add({ data: { location: db.Geo.Point(...TOWER) } })
    await expect(
      db
        .collection('items')
        .where({ location: db.command.geoNear({ geometry: db.Geo.Point(...TOWER) }) })
        .get(),
    ).rejects.toMatchObject({
      errCode: -502001,
      errMsg: expect.stringContaining('unable to find index for $geoNear query'),
    })
  })

  test('the mini program reads nearby places under the collection permission', async () => {
    await seedPlaces()
    const account = await emulator().accounts.create()
    const db: any = clientDb(emulator(), account)
    const res = await db
      .collection('places')
      .where({ location: db.command.geoNear({ geometry: db.Geo.Point(...TOWER), maxDistance: 2000 }) })
      .get()
    expect(names(res)).toEqual(['tower', 'one'])
  })
})

describe('geoWithin (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/command/Command.geoWithin.html)', () => {
  test('inside a Polygon, and inside a MultiPolygon', async () => {
    const db = await seedPlaces()
    const { Point, LineString, Polygon, MultiPolygon } = db.Geo
    const box = (w: number, e: number) =>
      Polygon([LineString([Point(w, 23), Point(e, 23), Point(e, 23.2), Point(w, 23.2), Point(w, 23)])])
    const res = await db
      .collection('places')
      .where({ location: db.command.geoWithin({ geometry: box(113.3, 113.34) }) })
      .get()
    expect(names(res).sort()).toEqual(['one', 'tower'])
    const multi = await db
      .collection('places')
      .where({ location: db.command.geoWithin({ geometry: MultiPolygon([box(113.3, 113.32), box(114.3, 114.4)]) }) })
      .get()
    expect(names(multi).sort()).toEqual(['far'])
    const multi2 = await db
      .collection('places')
      .where({ location: db.command.geoWithin({ geometry: MultiPolygon([box(113.32, 113.33), box(114.3, 114.4)]) }) })
      .get()
    expect(names(multi2).sort()).toEqual(['far', 'tower'])
  })

  test('centerSphere: [Point, radius in radians] (distance / 6378.1 km)', async () => {
    const db = await seedPlaces()
    const radius = (5 * METRES_PER_0_01 + 1) / 6378100
    const res = await db
      .collection('places')
      .where({ location: db.command.geoWithin({ centerSphere: [db.Geo.Point(...TOWER), radius] }) })
      .get()
    expect(names(res).sort()).toEqual(['five', 'one', 'tower'])
    // the [longitude, latitude] array form as well
    const res2 = await db
      .collection('places')
      .where({ location: db.command.geoWithin({ centerSphere: [TOWER, (METRES_PER_0_01 - 1) / 6378100] }) })
      .get()
    expect(names(res2)).toEqual(['tower'])
  })

  test('a geometry that is not a polygon is refused with INVALID_PARAM, not answered', async () => {
    const db = await seedPlaces()
    await expect(
      db
        .collection('places')
        .where({ location: { $geoWithin: { $geometry: { type: 'Point', coordinates: TOWER } } } })
        .get(),
    ).rejects.toMatchObject({ errCode: -501007 })
  })
})

describe('geoIntersects (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/command/Command.geoIntersects.html)', () => {
  test('a route that crosses an area, a point on a line', async () => {
    const db: any = adminSdk(emulator()).database()
    const { Point, LineString, Polygon } = db.Geo
    await db
      .collection('places')
      .add({ data: { name: 'crossing', location: LineString([Point(0, 0.5), Point(2, 0.5)]) } })
    await db.collection('places').add({ data: { name: 'outside', location: LineString([Point(5, 5), Point(6, 6)]) } })
    await db.collection('places').add({ data: { name: 'corner', location: Point(1, 1) } })
    const area = Polygon([LineString([Point(0.5, 0), Point(1, 0), Point(1, 1), Point(0.5, 1), Point(0.5, 0)])])
    const res = await db
      .collection('places')
      .where({ location: db.command.geoIntersects({ geometry: area }) })
      .get()
    expect(names(res).sort()).toEqual(['corner', 'crossing'])
  })
})

describe('the geoNear aggregate stage (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/database/aggregate/Aggregate.geoNear.html)', () => {
  test('distanceField, spherical, query, maxDistance; then the rest of the pipeline', async () => {
    const db = await seedPlaces()
    const $ = db.command.aggregate
    const res = await db
      .collection('places')
      .aggregate()
      .geoNear({
        distanceField: 'distance',
        spherical: true,
        near: db.Geo.Point(...TOWER),
        query: { name: db.command.neq('tower') },
        maxDistance: 10000,
        includeLocs: 'where',
      })
      .project({ _id: 0, name: 1, distance: 1, where: 1, km: $.divide(['$distance', 1000]) })
      .end()
    expect(res.list.map((d: any) => d.name)).toEqual(['one', 'five'])
    expect(res.list[0].distance).toBeCloseTo(METRES_PER_0_01, 3)
    expect(res.list[1].distance).toBeCloseTo(5 * METRES_PER_0_01, 3)
    expect(res.list[0].km).toBeCloseTo(METRES_PER_0_01 / 1000, 6)
    expect(res.list[0].where).toEqual({ type: 'Point', coordinates: east(0.01) })
  })

  // wx-server-sdk reports aggregate failures as errCode -1 with the service's message
  test('spherical must be true, and geoNear must come first', async () => {
    const db = await seedPlaces()
    await expect(
      db
        .collection('places')
        .aggregate()
        .geoNear({ distanceField: 'd', near: db.Geo.Point(...TOWER) })
        .end(),
    ).rejects.toMatchObject({ errMsg: expect.stringContaining('spherical must be true') })
    await expect(
      db
        .collection('places')
        .aggregate()
        .match({ name: 'one' })
        .geoNear({ distanceField: 'd', spherical: true, near: db.Geo.Point(...TOWER) })
        .end(),
    ).rejects.toMatchObject({ errMsg: expect.stringContaining('geoNear is only valid as the first stage') })
  })

  test('a collection without a geo index is refused (unable to find index)', async () => {
    const db: any = adminSdk(emulator()).database()
    await db.collection('items').add({ data: { location: db.Geo.Point(...TOWER) } })
    await expect(
      db
        .collection('items')
        .aggregate()
        .geoNear({ distanceField: 'd', spherical: true, near: db.Geo.Point(...TOWER) })
        .end(),
    ).rejects.toMatchObject({ errMsg: expect.stringContaining('unable to find index for $geoNear query') })
  })
})

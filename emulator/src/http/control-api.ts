import { invalidParam } from '../core/errors'
import type { FaultRule } from '../core/faults'
import type { Services } from '../core/services'
import { deliverPush } from '../functions/message-push'

/**
 * The emulator's own control panel (`POST /control/<op>`), for the playground, benchmarks and tests in
 * another process: simulated WeChat accounts, fault injection, counters, data reset. Not part of WeChat.
 */
export async function handleControl(
  services: Services,
  op: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  switch (op) {
    case 'accounts.create':
      return { account: await services.accounts.create(params) }
    case 'accounts.list':
      return { accounts: await services.accounts.list() }
    case 'accounts.expireSession':
      if (typeof params.openid !== 'string') throw invalidParam('openid must be a string')
      await services.accounts.expireSession(params.openid)
      return {}
    case 'openPlatform.bind':
      return { account: await services.accounts.bindOpenPlatform(params.id, params.appids) }
    case 'openPlatform.unbind':
      services.accounts.openPlatform.unbind(params.appid)
      return { accounts: services.accounts.openPlatform.list() }
    case 'openPlatform.list':
      return {
        accounts: services.accounts.openPlatform.list(),
        owner: services.ctx.appid,
        sharedWith: services.accounts.openPlatform.sharedWith(),
      }
    case 'environment.share':
      services.accounts.openPlatform.share(params.appid)
      return { sharedWith: services.accounts.openPlatform.sharedWith() }
    case 'environment.unshare':
      services.accounts.openPlatform.unshare(params.appid)
      return { sharedWith: services.accounts.openPlatform.sharedWith() }
    case 'faults.add':
      try {
        services.faults.add(params as unknown as FaultRule)
      } catch (e) {
        throw invalidParam((e as Error).message)
      }
      return { faults: services.faults.list() }
    case 'faults.clear':
      services.faults.clear()
      return {}
    case 'faults.list':
      return { faults: services.faults.list() }
    case 'openapi.addRiskyWords':
      // the playground's content-security card; an empty list only reads the current words
      return { words: services.openapi.fixtures.addRiskyWords(params.words as string[]) }
    case 'subscribeMessage.addTemplate':
      return { template: services.openapi.fixtures.addSubscribeTemplate(params as never) }
    case 'subscribeMessage.templates':
      return { templates: services.openapi.subscribeMessages.templateList() }
    case 'subscribeMessage.sent':
      if (params.touser !== undefined && typeof params.touser !== 'string')
        throw invalidParam('touser must be a string')
      return { messages: services.openapi.subscribeMessages.sent(params.touser as string | undefined) }
    case 'subscribeMessage.subscriptions':
      if (typeof params.openid !== 'string') throw invalidParam('openid must be a string')
      return { subscriptions: services.openapi.subscribeMessages.subscriptions(params.openid) }
    case 'counters.get':
      return { counters: Object.fromEntries(services.counters) }
    case 'counters.reset':
      services.counters.clear()
      return {}
    case 'database.dump':
      if (typeof params.collection !== 'string') throw invalidParam('collection must be a string')
      return { documents: await services.database.dump(params.collection) }
    case 'storage.list':
      return { files: await services.storage.list(typeof params.prefix === 'string' ? params.prefix : undefined) }
    case 'push.deliver':
      // WeChat's 授权用户信息变更 push for a simulated user (revocation, cancellation)
      return deliverPush(services, params)
    case 'risk.setRank':
      if (typeof params.openid !== 'string') throw invalidParam('openid must be a string')
      services.openapi.fixtures.setRiskRank(params.openid, params.rank as number)
      return {}
    case 'reset':
      await services.reset()
      return {}
    default:
      throw invalidParam(`unknown control operation ${op}`)
  }
}

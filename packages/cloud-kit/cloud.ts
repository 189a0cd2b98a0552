import cloud from 'wx-server-sdk'

// DYNAMIC_CURRENT_ENV (a symbol) makes the function use the environment it is deployed in;
// wx-server-sdk's typings only admit strings for `env`.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export { cloud }

export interface DeleteFileResult {
  fileList: Array<{ fileID: string; status: number; errMsg: string }>
}

/** cloud.deleteFile with its promise-returning overload typed (the SDK's typings include the callback form). */
export const deleteFiles = (fileList: string[]): Promise<DeleteFileResult> =>
  cloud.deleteFile({ fileList }) as Promise<DeleteFileResult>

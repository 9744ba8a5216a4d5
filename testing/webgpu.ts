// The one policy for every package's WebGPU tests: the backend must start (CI installs Mesa's
// lavapipe, scripts/install-webgpu-driver.sh), and a machine without an adapter fails them with the
// reason, unless LLM_SKIP_WEBGPU=1 asks to skip them. `init` is @llm/tensor's initWebGPU (passed in,
// so this file imports nothing and serves every package).
export const skipWebGPU = process.env.LLM_SKIP_WEBGPU === '1';

/** The started backend, or null (with the reason printed) when LLM_SKIP_WEBGPU=1 and none can start. */
export async function startTestWebGPU<T>(init: () => Promise<T>): Promise<T | null> {
  try {
    return await init();
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    if (!skipWebGPU) {
      throw new Error(`WebGPU tests need an adapter (scripts/install-webgpu-driver.sh installs one; LLM_SKIP_WEBGPU=1 skips them): ${why}`);
    }
    console.warn(`LLM_SKIP_WEBGPU=1: skipping the WebGPU tests: ${why}`);
    return null;
  }
}

export type DType = 'float32' | 'int32';
export type TypedArray = Float32Array | Int32Array;

export function typedArrayFor(dtype: DType, length: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(length) : new Int32Array(length);
}

export function checkDType(dtype: string, where: string): DType {
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new TypeError(`${where}: unsupported dtype '${dtype}' (expected 'float32' or 'int32')`);
  }
  return dtype;
}

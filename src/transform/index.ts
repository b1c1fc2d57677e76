/**
 * Preprocessing transforms (fit on training rows only, state as data) and the design-matrix
 * builder the linear learners use.
 */
export { DesignBuilder, type CategoricalEncoding, type DesignMatrix, type DesignOptions, type DesignTarget } from './design.js';
export { DatetimeExpander, datetimeParts } from './datetime.js';
export { Imputer, MISSING_SUFFIX, type ImputerOptions, type NumericStrategy } from './impute.js';
export { OneHotEncoder, OTHER_LEVEL, type OneHotOptions } from './onehot.js';
export { OrdinalEncoder } from './ordinal.js';
export { StandardScaler } from './scale.js';
export { TargetEncoder, type TargetEncoderOptions } from './target-encode.js';
export { copyState, stateKey, type TransformState } from './types.js';

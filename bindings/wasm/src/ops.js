// Copyright 2026 The weft Authors. MIT License.
//
// ops.js: the C functions that every container type has (free, to_json,
// path, equal, observe, observe_deep, and the event target getter), and the
// typed variants of map and list functions (set_text, insert_map, ...), by
// type name, fetched once the module is loaded. Spelled out, not built
// from names, so that each C function appears in the source.

import { M, onInit } from './runtime.js';

export const OPS = {};
// The typed map and list functions: MAP_SET.text is weft_map_set_text, ...
export const MAP_SET = {};
export const MAP_GET_OR_CREATE = {};
export const MAP_GET = {};
export const LIST_INSERT = {};
export const LIST_GET = {};

onInit(() => {
  OPS.text = {
    free: M._weft_text_free,
    toJson: M._weft_text_to_json,
    path: M._weft_text_path,
    equal: M._weft_text_equal,
    observe: M._weft_text_observe,
    observeDeep: M._weft_text_observe_deep,
    target: M._weft_event_target_text,
  };
  OPS.map = {
    free: M._weft_map_free,
    toJson: M._weft_map_to_json,
    path: M._weft_map_path,
    equal: M._weft_map_equal,
    observe: M._weft_map_observe,
    observeDeep: M._weft_map_observe_deep,
    target: M._weft_event_target_map,
  };
  OPS.list = {
    free: M._weft_list_free,
    toJson: M._weft_list_to_json,
    path: M._weft_list_path,
    equal: M._weft_list_equal,
    observe: M._weft_list_observe,
    observeDeep: M._weft_list_observe_deep,
    target: M._weft_event_target_list,
  };
  OPS.counter = {
    free: M._weft_counter_free,
    toJson: M._weft_counter_to_json,
    path: M._weft_counter_path,
    equal: M._weft_counter_equal,
    observe: M._weft_counter_observe,
    observeDeep: M._weft_counter_observe_deep,
    target: M._weft_event_target_counter,
  };
  OPS.register = {
    free: M._weft_register_free,
    toJson: M._weft_register_to_json,
    path: M._weft_register_path,
    equal: M._weft_register_equal,
    observe: M._weft_register_observe,
    observeDeep: M._weft_register_observe_deep,
    target: M._weft_event_target_register,
  };
  Object.assign(MAP_SET, byType(M._weft_map_set_text, M._weft_map_set_map,
    M._weft_map_set_list, M._weft_map_set_counter, M._weft_map_set_register));
  Object.assign(MAP_GET_OR_CREATE, byType(M._weft_map_get_or_create_text,
    M._weft_map_get_or_create_map, M._weft_map_get_or_create_list,
    M._weft_map_get_or_create_counter, M._weft_map_get_or_create_register));
  Object.assign(MAP_GET, byType(M._weft_map_get_text, M._weft_map_get_map,
    M._weft_map_get_list, M._weft_map_get_counter, M._weft_map_get_register));
  Object.assign(LIST_INSERT, byType(M._weft_list_insert_text, M._weft_list_insert_map,
    M._weft_list_insert_list, M._weft_list_insert_counter, M._weft_list_insert_register));
  Object.assign(LIST_GET, byType(M._weft_list_get_text, M._weft_list_get_map,
    M._weft_list_get_list, M._weft_list_get_counter, M._weft_list_get_register));
});

// byType names the five typed variants of a C function, in container type
// order.
function byType(text, map, list, counter, register) {
  return { text, map, list, counter, register };
}

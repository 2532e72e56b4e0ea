package io.ganeshaha.api.v1alpha1;
class Placeholder {}
